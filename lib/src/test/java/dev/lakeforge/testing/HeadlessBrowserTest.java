package dev.lakeforge.testing;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Skipped without a Chromium, unless LAKEFORGE_TEST_BROWSER_REQUIRED=1, which makes that a failure. */
class HeadlessBrowserTest {
    private static final String SCRIPT_TEXT = "<script>alert(1)</script>";
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    static Path tmp;
    static Path pageA;
    static Path pageB;
    static Path pageC;
    static HeadlessBrowser browser;

    @BeforeAll
    static void startBrowser() throws IOException {
        Path chromium = chromium();
        Path site = Files.createDirectories(tmp.resolve("site"));
        assertThat(ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png",
                site.resolve("dot.png").toFile())).isTrue();
        pageB = Files.writeString(site.resolve("b.html"), """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Page B</title></head>
                <body><p>Nothing wrong here.</p></body></html>
                """);
        pageA = Files.writeString(site.resolve("a.html"), """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Page A</title></head>
                <body>
                <h1>Page A</h1>
                <p><a href="b.html">to page B</a></p>
                <svg width="20" height="20"><circle cx="10" cy="10" r="8" fill="teal"/></svg>
                <img src="dot.png" alt="dot">
                <img src="missing.png" alt="missing">
                <p>%s</p>
                <script>console.error("boom");</script>
                </body></html>
                """.formatted(escapeHtml(SCRIPT_TEXT)));
        pageC = Files.writeString(site.resolve("c.html"), """
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Page C</title></head>
                <body><script>throw new Error("kaput");</script></body></html>
                """);
        browser = HeadlessBrowser.start(chromium, tmp.resolve("browser"));
    }

    @AfterAll
    static void closeBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void reportsContentLinksImagesAndErrors() {
        PageReport a = browser.open(pageA.toUri());

        assertThat(a.title()).isEqualTo("Page A");
        assertThat(a.errors()).as("errors").hasSize(2)
                .anySatisfy(error -> assertThat(error).contains("boom"))
                .anySatisfy(error -> assertThat(error).containsAnyOf("missing.png", "ERR_FILE_NOT_FOUND"));
        assertThat(a.links()).containsExactly(pageB.toUri());
        assertThat(a.images()).isEqualTo(1);
        assertThat(a.brokenImages()).isEqualTo(1);
        assertThat(a.svgs()).isGreaterThanOrEqualTo(1);
        assertThat(a.text()).contains(SCRIPT_TEXT);
        assertThat(a.scripts()).as("the escaped text is no script").isEqualTo(1);
    }

    @Test
    void errorsBelongToTheirOwnNavigation() {
        assertThat(browser.open(pageA.toUri()).errors()).isNotEmpty();

        PageReport b = browser.open(pageB.toUri());

        assertThat(b.title()).isEqualTo("Page B");
        assertThat(b.errors()).isEmpty();
    }

    @Test
    void reportsUncaughtExceptions() {
        assertThat(browser.open(pageC.toUri()).errors()).singleElement().asString()
                .startsWith("Uncaught Error: kaput")
                .contains(pageC.toUri().toString());
    }

    @Test
    void screenshotsArePngs() throws IOException {
        browser.open(pageA.toUri());

        byte[] png = browser.screenshot();

        assertThat(png).startsWith(PNG_SIGNATURE);
        assertThat(ImageIO.read(new ByteArrayInputStream(png)).getWidth()).isPositive();
    }

    @Test
    void evaluatesToStringsOrJson() {
        browser.open(pageB.toUri());

        assertThat(browser.evaluate("document.title")).isEqualTo("Page B");
        assertThat(browser.evaluate("({n: 1 + 1, list: ['x']})")).isEqualTo("{\"n\":2,\"list\":[\"x\"]}");
        assertThat(browser.evaluate("undefined")).isEqualTo("undefined");
        assertThatThrownBy(() -> browser.evaluate("no.such.thing")).hasMessageContaining("ReferenceError");
    }

    @Test
    void closeLeavesNoProcessBehind() throws IOException {
        Path workDir = tmp.resolve("closing");
        Path profile = workDir.resolve("profile").toAbsolutePath();
        HeadlessBrowser closing = HeadlessBrowser.start(chromium(), workDir);
        try {
            closing.open(pageB.toUri());
            assertThat(processesMentioning(profile)).as("chromium processes while open").isNotEmpty();
        } finally {
            closing.close();
        }

        assertThat(processesMentioning(profile)).as("chromium processes after close").isEmpty();
        assertThat(profile).doesNotExist();
        closing.close(); // a second close is harmless
    }

    @Test
    void startSaysWhatTheBrowserPrintedWhenItGivesNoDevToolsUrl() {
        // echo prints its arguments and exits, as a chromium that fails to start would print its complaint
        assertThatThrownBy(() -> HeadlessBrowser.start(Path.of("/bin/echo"), tmp.resolve("echo")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("DevTools listening on")
                .hasMessageContaining("--remote-debugging-port=0");
    }

    /** The browser to test, or a skip; a failure instead if LAKEFORGE_TEST_BROWSER_REQUIRED=1. */
    private static Path chromium() {
        Optional<Path> found = HeadlessBrowser.find();
        if (found.isEmpty() && "1".equals(System.getenv("LAKEFORGE_TEST_BROWSER_REQUIRED"))) {
            fail("LAKEFORGE_TEST_BROWSER_REQUIRED=1 but no Chromium was found: install Debian's chromium"
                    + " (apt-get install chromium) or point LAKEFORGE_CHROMIUM at a Chromium or Chrome binary");
        }
        assumeTrue(found.isPresent(), "no Chromium on the PATH (nor LAKEFORGE_CHROMIUM)");
        return found.get();
    }

    private static List<String> processesMentioning(Path profile) {
        return ProcessHandle.allProcesses()
                .flatMap(p -> p.info().commandLine().stream())
                .filter(line -> line.contains(profile.toString()))
                .toList();
    }

    private static String escapeHtml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
