package io.switchboard.conformance;

import static io.switchboard.conformance.RawWsClient.CLOSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The close handshake through the tunnel: a Close from either side reaches the other with its code
 * and the reply comes back; a side that drops TCP without a Close is reported to the other side
 * with a Close of the proxy's own (1014 toward the client, 1001 toward the backend).
 */
@Timeout(120)
class CloseRelayTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static PythonWsBackend backend;
    private static StubBackend silent;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        backend = PythonWsBackend.start("closer");
        silent = StubBackend.recorder();
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  p:
                    backends: [%s]
                  silent:
                    backends: [%s]
                routes:
                  - path: /ws
                    pool: p
                    mode: tunnel
                  - path: /silent
                    pool: silent
                    mode: tunnel
                timeouts:
                  close: 2s
                """.formatted(backend.address(), silent.address()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (silent != null) {
            silent.close();
        }
    }

    private static RawWsClient.Upgrade open(String pathAndQuery) {
        RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), pathAndQuery, Map.of());
        assertThat(up.head().status()).isEqualTo(101);
        // a round trip, so the tunnel is known to be established end to end
        up.client().sendText("ready?");
        assertThat(up.client().readMessage().text()).isEqualTo("ready?");
        return up;
    }

    @Test
    void clientCloseReachesTheBackendAndItsReplyReachesTheClient() {
        try (RawWsClient.Upgrade up = open("/ws?t=client-close")) {
            up.client().sendClose(4001, "bye");
            RawWsClient.Frame reply = up.client().readDataOrClose();
            assertThat(reply.opcode()).isEqualTo(CLOSE);
            assertThat(reply.closeCode()).isEqualTo(4001);
            assertThat(up.client().awaitEof(WAIT)).as("TCP closed after the close handshake").isTrue();
        }
        PythonWsBackend.Closed seen = backend.awaitClosed("/ws?t=client-close", WAIT);
        assertThat(seen.code()).isEqualTo(4001);
        assertThat(seen.reason()).isEqualTo("bye");
    }

    @Test
    void backendCloseReachesTheClientAndTheClientReplyReachesTheBackend() {
        try (RawWsClient.Upgrade up = open("/ws?t=backend-close")) {
            up.client().sendText("close:4002");
            RawWsClient.Frame close = up.client().readDataOrClose();
            assertThat(close.opcode()).isEqualTo(CLOSE);
            assertThat(close.closeCode()).isEqualTo(4002);
            assertThat(close.closeReason()).isEqualTo("backend-closed");
            up.client().sendClose(4002, "ack");
            assertThat(up.client().awaitEof(WAIT)).as("TCP closed after the close handshake").isTrue();
        }
        PythonWsBackend.Closed seen = backend.awaitClosed("/ws?t=backend-close", WAIT);
        assertThat(seen.code()).as("the client's reply reached the backend").isEqualTo(4002);
        assertThat(seen.reason()).isEqualTo("ack");
    }

    @Test
    void backendDroppingTcpGivesTheClientClose1014() {
        try (RawWsClient.Upgrade up = open("/ws?t=backend-drop")) {
            up.client().sendText("drop");
            RawWsClient.Frame close = up.client().readDataOrClose();
            assertThat(close.opcode()).isEqualTo(CLOSE);
            assertThat(close.closeCode()).isEqualTo(1014);
            assertThat(close.masked()).as("a server-to-client frame").isFalse();
            up.client().sendClose(1014, "");
            assertThat(up.client().awaitEof(WAIT)).isTrue();
        }
    }

    @Test
    void clientDroppingTcpGivesTheBackendClose1001() {
        RawWsClient.Upgrade up = open("/ws?t=client-drop");
        up.client().close(); // no Close frame: just TCP going away
        PythonWsBackend.Closed seen = backend.awaitClosed("/ws?t=client-drop", WAIT);
        assertThat(seen.code()).isEqualTo(1001);
    }

    @Test
    void unansweredCloseEndsTheConnectionAfterTheCloseTimeout() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/silent", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            byte[] close = RawWsClient.frame(true, CLOSE, RawWsClient.closePayload(1000, "anyone?"), true);
            long t0 = System.nanoTime();
            up.client().write(close);
            // the backend gets the Close exactly as sent, but never answers it
            await().atMost(WAIT).until(() -> silent.recorded().length >= close.length);
            assertThat(silent.recorded()).isEqualTo(close);
            assertThat(up.client().awaitEof(Duration.ofSeconds(12))).as("closed after close: 2s").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void jdkClientCloseRoundTrip() {
        JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=jdk-client-close"));
        try (ws) {
            assertThat(ws.request("hello")).isEqualTo("hello");
            ws.sendClose(4001, "bye");
            JdkWsClient.CloseInfo reply = ws.awaitClose(WAIT);
            assertThat(reply.code()).isEqualTo(4001);
        }
        assertThat(backend.awaitClosed("/ws?t=jdk-client-close", WAIT).code()).isEqualTo(4001);
    }

    @Test
    void jdkClientSeesBackendClose() {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=jdk-backend-close"))) {
            ws.sendText("close:4002");
            JdkWsClient.CloseInfo close = ws.awaitClose(WAIT);
            assertThat(close.code()).isEqualTo(4002);
            assertThat(close.reason()).isEqualTo("backend-closed");
        }
        // the JDK answers the Close with the same code; the backend must have received it
        assertThat(backend.awaitClosed("/ws?t=jdk-backend-close", WAIT).code()).isEqualTo(4002);
    }

    @Test
    void jdkClientSees1014WhenTheBackendDrops() {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=jdk-backend-drop"))) {
            ws.sendText("drop");
            assertThat(ws.awaitClose(WAIT).code()).isEqualTo(1014);
        }
    }

    @Test
    void tunnelKeepsWorkingForOtherConnectionsAfterCloses() {
        try (JdkWsClient a = JdkWsClient.connect(proxy.ws("/ws?t=other-a"));
             JdkWsClient b = JdkWsClient.connect(proxy.ws("/ws?t=other-b"))) {
            b.sendText("close:4003");
            assertThat(b.awaitClose(WAIT).code()).isEqualTo(4003);
            assertThat(a.request("still here")).isEqualTo("still here");
        }
    }
}
