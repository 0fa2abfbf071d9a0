package dev.lakeforge.jobs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JVM flags Spark needs are in every place a JVM with Spark starts. */
class JvmFlagsTest {
    private static final Path PROJECT = Path.of(System.getProperty("test.project.dir", "..")).toAbsolutePath().normalize();
    private static final Path SHARED = Path.of(System.getProperty("test.shared.dir", "../../shared")).toAbsolutePath().normalize();

    static List<String> requiredFlags() throws IOException {
        Path source = Files.isRegularFile(SHARED.resolve("jvm-flags.txt")) ? SHARED.resolve("jvm-flags.txt") : PROJECT.resolve("bin/jvm-flags.txt");
        return Files.readAllLines(source).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    @Test
    void surefireArgLineHasEveryFlag() throws IOException {
        String pom = Files.readString(PROJECT.resolve("pom.xml"));
        for (String flag : requiredFlags()) {
            assertThat(pom).as("pom.xml lakeforge.jvmFlags").contains(flag);
        }
    }

    @Test
    void launcherFlagsFileHasEveryFlag() throws IOException {
        assertThat(Files.readAllLines(PROJECT.resolve("bin/jvm-flags.txt"))).containsAll(requiredFlags());
        assertThat(Files.readString(PROJECT.resolve("bin/lakeforge"))).contains("bin/jvm-flags.txt");
    }

    @Test
    void manifestAddOpensCoversEveryOpens() throws IOException {
        String pom = Files.readString(PROJECT.resolve("pom.xml"));
        String addOpens = pom.substring(pom.indexOf("<lakeforge.manifestAddOpens>"), pom.indexOf("</lakeforge.manifestAddOpens>"));
        for (String flag : requiredFlags()) {
            if (flag.startsWith("--add-opens=")) {
                String target = flag.substring("--add-opens=".length(), flag.indexOf("=ALL-UNNAMED"));
                assertThat(addOpens).as("manifest Add-Opens").contains(target);
            }
        }
    }
}
