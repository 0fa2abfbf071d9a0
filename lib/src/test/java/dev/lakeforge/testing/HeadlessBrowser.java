package dev.lakeforge.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol, with nothing but the JDK's HTTP client and Jackson:
 * open a page, get a {@link PageReport} of what it shows and what went wrong, take a screenshot, evaluate JavaScript.
 *
 * <pre>{@code
 * try (HeadlessBrowser browser = HeadlessBrowser.start(HeadlessBrowser.find().orElseThrow(), workDir)) {
 *     PageReport report = browser.open(page.toUri());
 * }
 * }</pre>
 *
 * Everything lives in the work directory: the profile ({@code workDir/profile}, deleted on close) and the browser's
 * output ({@code workDir/chromium.log}). {@link #close()} stops every process the browser started; a shutdown hook
 * does so too if a caller forgets. Page methods throw {@link IllegalStateException} when the browser reports an
 * error or does not answer within 30 seconds.
 */
public final class HeadlessBrowser implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How long a page gets after its load event for late console messages and resource errors. */
    private static final Duration SETTLE = Duration.ofMillis(300);
    /** How long close() gives the processes to exit after each way of stopping them. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(5);
    private static final String DEVTOOLS_PREFIX = "DevTools listening on ";
    private static final List<String> EXECUTABLES =
            List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Collects, in one round trip, everything a PageReport needs from the DOM. */
    private static final String REPORT_SCRIPT = """
            (() => {
              const images = [...document.images];
              const loaded = images.filter(img => img.complete && img.naturalWidth > 0).length;
              return {
                title: document.title,
                links: [...document.querySelectorAll('a[href]')]
                    .filter(a => a instanceof HTMLAnchorElement)
                    .map(a => a.href),
                images: loaded,
                brokenImages: images.length - loaded,
                svgs: document.querySelectorAll('svg').length
                    + images.filter(img => /\\.svg$/i.test(img.src.split(/[?#]/)[0])).length,
                scripts: document.querySelectorAll('script').length,
                text: document.body ? document.body.innerText : ''
              };
            })()""";

    private final Process process;
    private final Path profileDir;
    private final HttpClient http = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(TIMEOUT)
            .build();
    /** Completed with the browser's DevTools URL once chromium prints it, or failed if its output ends first. */
    private final CompletableFuture<URI> devToolsUrl = new CompletableFuture<>();
    /** What chromium printed up to the DevTools line, for the error message when that line never comes. */
    private final StringBuffer startupOutput = new StringBuffer();
    private final Thread shutdownHook = new Thread(this::close, "headless-browser-shutdown");

    private final AtomicLong lastId = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Object sendLock = new Object();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private volatile CompletableFuture<Void> loadEvent = CompletableFuture.completedFuture(null);
    private final Map<String, Consumer<JsonNode>> eventHandlers = Map.of(
            "Page.loadEventFired", params -> loadEvent.complete(null),
            "Runtime.consoleAPICalled", this::onConsoleApiCalled,
            "Runtime.exceptionThrown", params -> errors.add(exceptionText(params.path("exceptionDetails"))),
            "Log.entryAdded", this::onLogEntryAdded);

    private volatile WebSocket socket;
    private boolean closed;

    private HeadlessBrowser(Process process, Path profileDir) {
        this.process = process;
        this.profileDir = profileDir;
    }

    /**
     * The browser to use: the {@code LAKEFORGE_CHROMIUM} environment variable if set, else the first of chromium,
     * chromium-browser, google-chrome and google-chrome-stable found on the PATH.
     */
    public static Optional<Path> find() {
        String configured = System.getenv("LAKEFORGE_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        String path = System.getenv().getOrDefault("PATH", "");
        List<String> dirs = Arrays.stream(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty()).toList();
        return EXECUTABLES.stream()
                .flatMap(name -> dirs.stream().map(dir -> Path.of(dir, name)))
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst();
    }

    /** Starts a headless {@code chromium} with its profile in {@code workDir} and connects to its blank page. */
    public static HeadlessBrowser start(Path chromium, Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path profileDir = workDir.resolve("profile").toAbsolutePath();
        ProcessBuilder builder = new ProcessBuilder(chromium.toString(),
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--no-default-browser-check", "--remote-debugging-port=0", "--remote-allow-origins=*",
                "--user-data-dir=" + profileDir, "--window-size=1280,900", "about:blank")
                .redirectErrorStream(true);
        // Chromium puts its crash database under $XDG_CONFIG_HOME whatever --user-data-dir says, and its crashpad
        // handlers are double-forked, so not descendants of the browser: this keeps both inside the profile, where
        // close() finds (by command line) and deletes them.
        builder.environment().put("XDG_CONFIG_HOME", profileDir.toString());
        BufferedWriter log = Files.newBufferedWriter(workDir.resolve("chromium.log"), StandardCharsets.UTF_8);
        HeadlessBrowser browser;
        try {
            browser = new HeadlessBrowser(builder.start(), profileDir);
        } catch (IOException e) {
            log.close();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(browser.shutdownHook);
        Thread pump = new Thread(() -> browser.pumpOutput(log), "chromium-output");
        pump.setDaemon(true);
        pump.start();
        try {
            browser.connect();
            return browser;
        } catch (IOException | RuntimeException e) {
            try {
                browser.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /**
     * Opens {@code url}, waits for its load event and a short settling time, and reports on the page. The report's
     * errors are those of this navigation only.
     */
    public PageReport open(URI url) {
        errors.clear();
        loadEvent = new CompletableFuture<>();
        JsonNode navigation = send("Page.navigate", Map.of("url", url.toString()));
        if (navigation.hasNonNull("errorText")) {
            throw new IllegalStateException(
                    "navigating to " + url + " failed: " + navigation.get("errorText").asText());
        }
        await(loadEvent, "Page.loadEventFired of " + url);
        try {
            Thread.sleep(SETTLE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + url + " settled", e);
        }
        JsonNode page = evaluateRemote(REPORT_SCRIPT).path("value");
        List<URI> links = new ArrayList<>();
        page.path("links").forEach(link -> links.add(toUri(link.asText())));
        return new PageReport(url, page.path("title").asText(), errors, links, page.path("images").asInt(),
                page.path("brokenImages").asInt(), page.path("svgs").asInt(), page.path("scripts").asInt(),
                page.path("text").asText());
    }

    /** A PNG of the whole current page, beyond the viewport. */
    public byte[] screenshot() {
        JsonNode size = send("Page.getLayoutMetrics", Map.of()).path("cssContentSize");
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "scale", 1,
                "width", size.path("width").asDouble(), "height", size.path("height").asDouble());
        JsonNode shot = send("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip));
        return Base64.getDecoder().decode(shot.path("data").asText());
    }

    /**
     * Evaluates {@code jsExpression} in the current page: a string result as is, any other value as JSON
     * ({@code undefined} as "undefined"). Throws when the expression throws.
     */
    public String evaluate(String jsExpression) {
        return remoteText(evaluateRemote(jsExpression));
    }

    /** Stops the browser and every process it started, then deletes the profile. Safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // this is the shutdown hook running
        }
        stopProcesses();
        if (socket != null) {
            socket.abort(); // no close handshake: the browser is gone
        }
        failWaiters(new IllegalStateException("the browser was closed"));
        deleteProfile();
    }

    /** Copies chromium's output to the log, watching for the DevTools line; keeps the pipe drained until the end. */
    private void pumpOutput(BufferedWriter log) {
        try (BufferedReader out = process.inputReader(StandardCharsets.UTF_8); log) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                log.write(line);
                log.newLine();
                log.flush();
                if (!devToolsUrl.isDone()) {
                    startupOutput.append(line).append('\n');
                    if (line.startsWith(DEVTOOLS_PREFIX)) {
                        devToolsUrl.complete(URI.create(line.substring(DEVTOOLS_PREFIX.length()).trim()));
                    }
                }
            }
        } catch (IOException e) {
            // the pipe closes under us when the process is destroyed
        }
        devToolsUrl.completeExceptionally(new IOException(
                "chromium ended its output without a '" + DEVTOOLS_PREFIX + "ws://...' line:\n" + startupOutput));
    }

    /** Connects to a page target of the browser and enables the domains whose events we collect. */
    private void connect() throws IOException {
        URI browserUrl;
        try {
            browserUrl = devToolsUrl.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IOException("chromium printed no '" + DEVTOOLS_PREFIX + "ws://...' line within "
                    + TIMEOUT.toSeconds() + " s; its output so far:\n" + startupOutput, e);
        } catch (ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for chromium to start");
        }
        URI endpoint = URI.create("http://" + browserUrl.getRawAuthority());
        String pageUrl = null;
        for (JsonNode target : requestJson(HttpRequest.newBuilder(endpoint.resolve("/json/list")).GET())) {
            if ("page".equals(target.path("type").asText())) {
                pageUrl = target.path("webSocketDebuggerUrl").asText();
                break;
            }
        }
        if (pageUrl == null) { // the initial tab is not there (yet): open one (this endpoint wants PUT)
            pageUrl = requestJson(HttpRequest.newBuilder(endpoint.resolve("/json/new?about:blank"))
                    .PUT(HttpRequest.BodyPublishers.noBody()))
                    .path("webSocketDebuggerUrl").asText();
        }
        socket = await(http.newWebSocketBuilder().connectTimeout(TIMEOUT)
                .buildAsync(URI.create(pageUrl), new Listener()), "the DevTools WebSocket " + pageUrl);
        for (String domain : List.of("Page", "Runtime", "Log")) {
            send(domain + ".enable", Map.of());
        }
    }

    private JsonNode requestJson(HttpRequest.Builder request) throws IOException {
        HttpRequest built = request.timeout(TIMEOUT).build();
        try {
            HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException(built.method() + " " + built.uri() + ": HTTP " + response.statusCode()
                        + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during " + built.method() + " " + built.uri());
        }
    }

    /** Sends a CDP command and waits for its result. */
    private JsonNode send(String method, Map<String, ?> params) {
        long id = lastId.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        try {
            transmit(id, method, params);
            return await(reply, "CDP " + method);
        } finally {
            pending.remove(id);
        }
    }

    /** Writes one CDP command to the WebSocket. */
    private void transmit(long id, String method, Map<String, ?> params) {
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", JSON.valueToTree(params));
        synchronized (sendLock) { // the JDK WebSocket allows one outstanding send at a time
            await(socket.sendText(message.toString(), true), "sending CDP " + method);
        }
    }

    /** The Runtime.RemoteObject that {@code expression} evaluates to, by value. */
    private JsonNode evaluateRemote(String expression) {
        JsonNode result = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("JavaScript failed: " + exceptionText(result.get("exceptionDetails")));
        }
        return result.path("result");
    }

    /** Routes a whole CDP message: a reply to its waiting command, an event to its handler. */
    private void dispatch(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("unreadable CDP message: " + text, e);
        }
        if (message.has("id")) {
            CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asLong());
            if (reply == null) {
                return; // its command timed out, or nobody waits for it (Browser.close)
            }
            if (message.has("error")) {
                JsonNode error = message.get("error");
                reply.completeExceptionally(new IllegalStateException(
                        error.path("message").asText() + " " + error.path("data").asText("")));
            } else {
                reply.complete(message.path("result"));
            }
        } else {
            Consumer<JsonNode> handler = eventHandlers.get(message.path("method").asText());
            if (handler != null) {
                handler.accept(message.path("params"));
            }
        }
    }

    private void onConsoleApiCalled(JsonNode params) {
        String type = params.path("type").asText();
        if (type.equals("error") || type.equals("assert")) {
            StringJoiner message = new StringJoiner(" ", "console." + type + ": ",
                    location(params.path("stackTrace").path("callFrames").path(0)));
            params.path("args").forEach(arg -> message.add(remoteText(arg)));
            errors.add(message.toString());
        }
    }

    /** Error log entries: among them failed loads of images, stylesheets and scripts. */
    private void onLogEntryAdded(JsonNode params) {
        JsonNode entry = params.path("entry");
        if ("error".equals(entry.path("level").asText())) {
            errors.add(entry.path("source").asText() + " error: " + entry.path("text").asText() + location(entry));
        }
    }

    private void failWaiters(Throwable cause) {
        pending.values().forEach(reply -> reply.completeExceptionally(cause));
        loadEvent.completeExceptionally(cause);
    }

    /**
     * Stops the browser, its descendants and its double-forked crashpad handlers (found by the profile in their
     * command line), gentlest first: CDP Browser.close, after which chromium cleans up and quits within a fraction
     * of a second, then SIGTERM, then SIGKILL, each given 5 s.
     */
    private void stopProcesses() {
        String profile = profileDir.toString();
        Stream<ProcessHandle> strays = ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().filter(line -> line.contains(profile)).isPresent());
        // listed before anything stops: once the browser is gone its children are no longer its descendants
        List<ProcessHandle> processes = Stream.concat(Stream.concat(Stream.of(process.toHandle()),
                process.descendants()), strays).distinct().toList();
        if (socket != null && requestBrowserClose() && awaitExit(processes)) {
            return;
        }
        processes.forEach(ProcessHandle::destroy);
        if (!awaitExit(processes)) {
            processes.forEach(ProcessHandle::destroyForcibly);
            if (!awaitExit(processes)) {
                throw new IllegalStateException("chromium processes still alive after SIGKILL: "
                        + processes.stream().filter(HeadlessBrowser::running).map(ProcessHandle::pid).toList());
            }
        }
    }

    /** Sends Browser.close without waiting for its reply; false if it could not be sent. */
    private boolean requestBrowserClose() {
        try {
            transmit(lastId.incrementAndGet(), "Browser.close", Map.of());
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    /** Whether all {@code processes} exited within {@link #EXIT_WAIT}; false at once if interrupted. */
    private static boolean awaitExit(List<ProcessHandle> processes) {
        long deadline = System.nanoTime() + EXIT_WAIT.toNanos();
        while (processes.stream().anyMatch(HeadlessBrowser::running)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the process still runs. {@link ProcessHandle#isAlive()} is true of a zombie too, and the browser's
     * orphaned children stay zombies until init reaps them (a container's init may take seconds, or never do it).
     */
    private static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try { // Linux: "pid (comm) state ...", where comm may itself contain ')'
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) { // no /proc here, or the process is gone
            return process.isAlive();
        }
    }

    /**
     * Deletes the profile, and the /tmp directory of chromium's singleton socket (linked from the profile) if chromium
     * did not get to delete it itself, which it only does when it quits normally.
     */
    private void deleteProfile() {
        Path singletonSocket = profileDir.resolve("SingletonSocket");
        try {
            if (Files.isSymbolicLink(singletonSocket)) {
                deleteRecursively(Files.readSymbolicLink(singletonSocket).getParent());
            }
            deleteRecursively(profileDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the browser profile " + profileDir, e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** Waits for {@code future}; a timeout or failure becomes an exception naming {@code what}. */
    private static <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer to " + what + " within " + TIMEOUT.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        }
    }

    /** A Runtime.ExceptionDetails as text: "Uncaught Error: kaput" and its stack, or "Uncaught kaput (url:line)". */
    private static String exceptionText(JsonNode details) {
        String text = details.path("text").asText("Uncaught");
        JsonNode exception = details.path("exception");
        String message = exception.isMissingNode() ? text : text + " " + remoteText(exception);
        // an Error's description is its stack, which says where already
        return message.contains("\n") ? message : message + location(details);
    }

    /** A Runtime.RemoteObject as text: its value (strings bare, others as JSON), else its description or type. */
    private static String remoteText(JsonNode object) {
        JsonNode value = object.path("value");
        if (!value.isMissingNode()) {
            return value.isTextual() ? value.asText() : value.toString();
        }
        String description = object.path("description").asText(object.path("type").asText());
        return object.path("unserializableValue").asText(description);
    }

    /** " (url:line)" of a node with a url and maybe a 0-based lineNumber; "" without a url. */
    private static String location(JsonNode node) {
        String url = node.path("url").asText();
        if (url.isEmpty()) {
            return "";
        }
        return " (" + url + (node.has("lineNumber") ? ":" + (node.get("lineNumber").asInt() + 1) : "") + ")";
    }

    /** a.href is a WHATWG URL, which may keep characters java.net.URI rejects (| ^ { } ...): percent-encode them. */
    private static URI toUri(String href) {
        StringBuilder uri = new StringBuilder();
        for (byte b : href.getBytes(StandardCharsets.UTF_8)) {
            if (b > 0x20 && b < 0x7f && "\"<>\\^`{|}".indexOf(b) < 0) {
                uri.append((char) b);
            } else {
                uri.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        return URI.create(uri.toString());
    }

    /** Assembles the WebSocket's text frames into whole CDP messages. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                String whole = message.toString();
                message.setLength(0);
                dispatch(whole);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failWaiters(new IllegalStateException("DevTools closed the connection: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failWaiters(error);
        }
    }
}
