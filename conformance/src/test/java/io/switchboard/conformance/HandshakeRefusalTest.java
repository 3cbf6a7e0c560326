package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Upgrades the proxy must refuse, each with its exact status and a short text body: malformed
 * handshakes (400), another protocol version (426 naming version 13), no route (404), no backend
 * reachable (502), a backend that never answers the upgrade (504), and a backend's own refusal
 * (relayed as is).
 */
@Timeout(120)
class HandshakeRefusalTest {
    private static PythonWsBackend live;
    private static StubBackend hanging;
    private static StubBackend forbidding;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        live = PythonWsBackend.start("live");
        hanging = StubBackend.hanging();
        forbidding = StubBackend.status(403, "Forbidden", "forbidden by backend");
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  live:
                    backends: [%s]
                  dead:
                    backends: [%s, %s]
                  hang:
                    backends: [%s]
                  forbid:
                    backends: [%s]
                routes:
                  - path: /ws
                    pool: live
                    mode: tunnel
                  - path: /dead
                    pool: dead
                    mode: tunnel
                  - path: /hang
                    pool: hang
                    mode: tunnel
                  - path: /forbid
                    pool: forbid
                    mode: tunnel
                timeouts:
                  upstream-handshake: 1s
                  handshake: 2s
                """.formatted(live.address(), StubBackend.deadAddress(), StubBackend.deadAddress(),
                hanging.address(), forbidding.address()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        for (AutoCloseable c : new AutoCloseable[] {live, hanging, forbidding}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    /** Default upgrade headers with overrides; a null value removes the header. */
    private static Map<String, String> with(String... kv) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static RawWsClient.HttpHead attempt(String path, Map<String, String> headers) {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), path, headers)) {
            return up.head();
        }
    }

    private static void assertShortTextBody(RawWsClient.HttpHead head) {
        assertThat(head.body()).as("error body of %s", head.statusLine()).isNotBlank().hasSizeLessThan(2000);
    }

    @Test
    void malformedKeyIs400AndNoBackendIsContacted() {
        long before = live.openedCount();
        RawWsClient.HttpHead head = attempt("/ws?t=badkey", with("Sec-WebSocket-Key", "not-a-valid-key"));
        assertThat(head.status()).isEqualTo(400);
        assertShortTextBody(head);
        String shortKey = java.util.Base64.getEncoder().encodeToString("8 bytes!".getBytes(StandardCharsets.US_ASCII));
        RawWsClient.HttpHead head2 = attempt("/ws?t=shortkey", with("Sec-WebSocket-Key", shortKey));
        assertThat(head2.status()).as("key of 8 bytes instead of 16").isEqualTo(400);
        assertThat(live.openedCount()).isEqualTo(before);
    }

    @Test
    void missingConnectionUpgradeTokenIs400() {
        RawWsClient.HttpHead head = attempt("/ws?t=noconn", with("Connection", "keep-alive"));
        assertThat(head.status()).isEqualTo(400);
        assertShortTextBody(head);
        RawWsClient.HttpHead head2 = attempt("/ws?t=noconn2", with("Connection", null));
        assertThat(head2.status()).as("no Connection header at all").isEqualTo(400);
    }

    @Test
    void nonGetUpgradeIs400() {
        try (RawWsClient c = RawWsClient.connect(proxy.port())) {
            String req = RawWsClient.request(proxy.port(), "/ws?t=post", RawWsClient.newKey(), Map.of())
                    .replaceFirst("^GET ", "POST ").replace("\r\n\r\n", "\r\nContent-Length: 0\r\n\r\n");
            c.write(req.getBytes(StandardCharsets.ISO_8859_1));
            RawWsClient.HttpHead head = c.readHead();
            assertThat(head.status()).isEqualTo(400);
            assertShortTextBody(head);
        }
    }

    @Test
    void otherVersionIs426NamingVersion13() {
        RawWsClient.HttpHead head = attempt("/ws?t=v8", with("Sec-WebSocket-Version", "8"));
        assertThat(head.status()).isEqualTo(426);
        assertThat(head.header("Sec-WebSocket-Version")).isEqualTo("13");
        assertShortTextBody(head);
    }

    @Test
    void noRouteIs404() {
        RawWsClient.HttpHead head = attempt("/nowhere", Map.of());
        assertThat(head.status()).isEqualTo(404);
        assertShortTextBody(head);
        // prefix matching is on segment boundaries: /wsx is not /ws
        assertThat(attempt("/wsx", Map.of()).status()).isEqualTo(404);
    }

    @Test
    void allBackendsDownIs502() {
        RawWsClient.HttpHead head = attempt("/dead", Map.of());
        assertThat(head.status()).isEqualTo(502);
        assertShortTextBody(head);
        // the client learns the pool, not the backends' addresses; the access log names them
        assertThat(head.body()).contains("pool 'dead'").doesNotContain("127.0.0.1").doesNotContain("connect failed");
        assertThat(proxy.awaitLine(l -> l.contains(" ws ") && l.contains("path=/dead status=502"), Duration.ofSeconds(5)))
                .contains("connect failed");
    }

    @Test
    void backendThatNeverAnswersTheUpgradeIs504AfterTheUpstreamHandshakeTimeout() {
        long t0 = System.nanoTime();
        RawWsClient.HttpHead head = attempt("/hang", Map.of());
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(head.status()).isEqualTo(504);
        assertShortTextBody(head);
        assertThat(took).as("504 after upstream-handshake 1s").isBetween(Duration.ofMillis(900), Duration.ofSeconds(8));
        assertThat(hanging.requests()).as("the hanging backend got the upgrade").isNotEmpty();
        assertThat(hanging.requests().get(0)).startsWith("GET /hang");
    }

    @Test
    void clientThatNeverFinishesItsRequestHeadIsDisconnectedAfterTheHandshakeTimeout() {
        try (RawWsClient c = RawWsClient.connect(proxy.port())) {
            long t0 = System.nanoTime();
            c.write("GET /ws?t=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.ISO_8859_1));
            boolean closed = c.awaitEof(Duration.ofSeconds(12));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(closed).as("connection closed within 12 s (handshake: 2s)").isTrue();
            assertThat(took).isGreaterThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void backendRefusalIsRelayedWithItsBody() {
        RawWsClient.HttpHead head = attempt("/forbid", Map.of());
        assertThat(head.status()).isEqualTo(403);
        assertThat(head.body()).isEqualTo("forbidden by backend");
    }

    @Test
    void tokensAreMatchedCaseInsensitivelyAndInLists() {
        // Firefox sends "Connection: keep-alive, Upgrade"; tokens are case-insensitive (RFC 6455 §4.2.1)
        for (Map<String, String> variant : java.util.List.of(
                with("Connection", "keep-alive, Upgrade"),
                with("Upgrade", "WebSocket", "Connection", "upgrade"),
                with("Upgrade", "websocket", "Connection", "UPGRADE"))) {
            try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws?t=variant", variant)) {
                assertThat(up.head().status()).as("upgrade with %s", variant).isEqualTo(101);
                assertThat(up.head().header("Sec-WebSocket-Accept")).isEqualTo(RawWsClient.acceptFor(up.key()));
                up.client().sendText("/name");
                assertThat(up.client().readMessage().text()).isEqualTo("live");
            }
        }
    }

    @Test
    void validUpgradeStillWorksAfterTheRefusals() {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=ok"))) {
            assertThat(ws.request("/name")).isEqualTo("live");
        }
    }

    @Test
    void failedJdkHandshakeReportsTheStatus() {
        try {
            JdkWsClient.connect(proxy.ws("/nowhere")).close();
            throw new AssertionError("the upgrade to /nowhere succeeded");
        } catch (JdkWsClient.CompletionFailure e) {
            assertThat(e.getCause()).isInstanceOf(java.net.http.WebSocketHandshakeException.class);
            assertThat(((java.net.http.WebSocketHandshakeException) e.getCause()).getResponse().statusCode()).isEqualTo(404);
        }
    }
}
