package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The access log on stdout: one line per WebSocket, starting {@code ws }, naming the backend, the
 * sticky key only as a hash, the close code and who closed; one line per HTTP request starting
 * {@code http }.
 *
 * <p>Only {@link #accessLogLinesStartWithATimestampThenTheirKind} holds the proxy to the line's start; the other
 * tests find a line by the {@code ws}/{@code http} word wherever it is, so that a prefix (such as a
 * timestamp) fails one test, not all of them.
 */
@Timeout(120)
class AccessLogTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Pattern WS_WORD = Pattern.compile("(^|\\s)ws\\s");
    private static final Pattern HTTP_WORD = Pattern.compile("(^|\\s)http\\s");
    private static final Pattern KEY = Pattern.compile("\\bkey=(\\S+)");
    private static PythonWsBackend backend;
    private static HttpTestBackend http;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        backend = PythonWsBackend.start("logged");
        http = HttpTestBackend.start();
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  ws:
                    backends: [%s]
                    balance: consistent-hash
                    hash-key: header:X-User
                  web:
                    backends: [%s]
                routes:
                  - path: /ws
                    pool: ws
                    mode: tunnel
                  - path: /
                    pool: web
                """.formatted(backend.address(), http.address()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (http != null) {
            http.close();
        }
    }

    private static boolean isWsLine(String l) {
        return WS_WORD.matcher(l).find() && l.contains("closed-by=");
    }

    private static boolean isHttpLine(String l) {
        return HTTP_WORD.matcher(l).find() && !l.startsWith(ProxyProcess.READY);
    }

    /**
     * Runs {@code connection}, then waits for its ws line, recognised by {@code mark} (each test
     * closes with its own code, so a line cannot be mistaken for another connection's).
     */
    private static String logged(String mark, Runnable connection) {
        connection.run();
        return proxy.stdout().await(l -> isWsLine(l) && l.contains(mark), WAIT);
    }

    /** The ws line of a connection closed by the client with {@code code}. */
    private static String loggedClientClose(String user, int code) {
        return logged("close=" + code + " ", () -> clientClose(user, code));
    }

    private static String keyOf(String line) {
        Matcher m = KEY.matcher(line);
        assertThat(m.find()).as("key= in %s", line).isTrue();
        return m.group(1);
    }

    private static void clientClose(String user, int code) {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws"), Map.of("X-User", user))) {
            assertThat(ws.request("hi")).isEqualTo("hi");
            ws.sendClose(code, "bye");
            ws.awaitClose(WAIT);
        }
    }

    @Test
    void clientCloseIsLoggedWithBackendHashedKeyCodeAndCloser() {
        String line = loggedClientClose("secret-user-1", 4001);
        assertThat(line).contains("backend=" + backend.address());
        assertThat(line).contains("close=4001 closed-by=client");
        assertThat(line).as("a plain-TCP tunnel runs on the event loop").contains("io=loop");
        String key = keyOf(line);
        assertThat(key).isNotEqualTo("secret-user-1");
        assertThat(line).doesNotContain("secret-user-1");
    }

    @Test
    void backendCloseIsLogged() {
        String line = logged("close=4002 ", () -> {
            try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws"), Map.of("X-User", "u-backend-close"))) {
                ws.sendText("close:4002");
                ws.awaitClose(WAIT);
            }
        });
        assertThat(line).contains("close=4002 closed-by=backend");
    }

    @Test
    void backendDropIsLogged() {
        String line = logged("closed-by=backend-dropped", () -> {
            try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws", Map.of("X-User", "u-drop"))) {
                up.client().sendText("drop");
                up.client().readDataOrClose();
            }
        });
        assertThat(line).containsPattern("close=\\d{4} closed-by=backend-dropped");
    }

    @Test
    void clientDropIsLogged() {
        String line = logged("closed-by=client-dropped", () -> {
            RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws", Map.of("X-User", "u-client-drop"));
            up.client().sendText("x");
            up.client().readMessage();
            up.close();
        });
        assertThat(line).containsPattern("close=\\d{4} closed-by=client-dropped");
    }

    @Test
    void sameKeySameHashOtherKeyOtherHash() {
        String a1 = keyOf(loggedClientClose("alice", 4101));
        String a2 = keyOf(loggedClientClose("alice", 4102));
        String b = keyOf(loggedClientClose("bob", 4103));
        assertThat(a2).isEqualTo(a1);
        assertThat(b).isNotEqualTo(a1);
        assertThat(a1).isNotIn("alice", "bob");
    }

    @Test
    void exactlyOneWsLinePerConnection() {
        int from = proxy.stdout().size();
        for (int i = 0; i < 5; i++) {
            loggedClientClose("count-" + i, 4201 + i);
        }
        // a last connection, so that a late duplicate of the earlier lines would have shown up by its line
        loggedClientClose("marker", 4299);
        List<String> lines = proxy.lines().subList(from, proxy.lines().size());
        for (int i = 0; i < 5; i++) {
            String mark = "close=" + (4201 + i) + " ";
            assertThat(lines.stream().filter(l -> isWsLine(l) && l.contains(mark)).count())
                    .as("ws lines with %s among:\n%s", mark, String.join("\n", lines)).isEqualTo(1);
        }
    }

    @Test
    void httpRequestsAreLoggedOneLineEach() throws Exception {
        int from = proxy.stdout().size();
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = JdkWsClient.HTTP.send(HttpRequest.newBuilder(proxy.http("/hello?n=" + i)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
        }
        loggedClientClose("http-marker", 4401);
        List<String> lines = proxy.lines().subList(from, proxy.lines().size());
        long count = lines.stream().filter(AccessLogTest::isHttpLine).count();
        assertThat(count).as("http lines for 3 requests:\n%s", String.join("\n", lines)).isEqualTo(3);
    }

    @Test
    void accessLogLinesStartWithATimestampThenTheirKind() throws Exception {
        int from = proxy.stdout().size();
        HttpResponse<String> r = JdkWsClient.HTTP.send(HttpRequest.newBuilder(proxy.http("/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String http = proxy.stdout().awaitFrom(from, AccessLogTest::isHttpLine, WAIT);
        String ws = loggedClientClose("prefix-check", 4301);
        // README, "Access log": an ISO-8601 UTC timestamp, then the kind
        assertThat(ws).as("the ws access line").matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z ws .*");
        assertThat(http).as("the http access line").matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z http .*");
    }

    /** {@code log.access: off}: traffic flows, and no access line is written, even at exit (the queue is flushed then). */
    @Test
    void withAccessOffTrafficFlowsAndNoLineIsWritten() throws Exception {
        try (ProxyProcess quiet = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  ws: {backends: [%s]}
                  web: {backends: [%s]}
                routes:
                  - {path: /ws, pool: ws}
                  - {path: /, pool: web}
                log: {access: off}
                """.formatted(backend.address(), http.address()))) {
            try (JdkWsClient ws = JdkWsClient.connect(quiet.ws("/ws"), Map.of())) {
                assertThat(ws.request("hi")).isEqualTo("hi");
                ws.sendClose(1000, "bye");
                ws.awaitClose(WAIT);
            }
            HttpResponse<String> r = JdkWsClient.HTTP.send(HttpRequest.newBuilder(quiet.http("/hello")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            quiet.terminate();
            assertThat(quiet.awaitExit(Duration.ofSeconds(15))).isZero();
            Thread.sleep(500); // the last of stdout read from the pipe
            assertThat(quiet.lines()).as("stdout of a proxy with log.access: off")
                    .noneMatch(l -> isWsLine(l) || isHttpLine(l));
        }
    }
}
