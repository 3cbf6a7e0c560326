package io.switchboard.conformance;

import static io.switchboard.conformance.RawWsClient.CLOSE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * After the close handshake the backend, the server of the proxy's backend leg, closes TCP first
 * (RFC 6455 §7.1.1), so the TIME_WAIT lands on the backend and not on the proxy's ephemeral ports;
 * the client is closed by the proxy at once; a backend that never closes is closed by the proxy
 * after {@code timeouts.close}. Both modes: the tunnel relays the client's Close, terminate mode
 * sends its own.
 */
@Timeout(120)
class BackendClosesFirstTest {
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** How long the polite backend listens for the proxy's FIN before closing itself (under {@code timeouts.close}). */
    private static final int GRACE_MS = 1000;
    private static final BlockingQueue<String> POLITE = new LinkedBlockingQueue<>();
    private static final BlockingQueue<Long> STUBBORN = new LinkedBlockingQueue<>();
    private static ScriptedBackend polite;
    private static ScriptedBackend stubborn;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        // answers the Close, then waits: "proxy-closed-first" if the proxy's FIN comes, else closes itself
        polite = ScriptedBackend.start((socket, in, out) -> {
            answerClose(in, out);
            socket.setSoTimeout(GRACE_MS);
            try {
                POLITE.add(in.read() < 0 ? "proxy-closed-first" : "data after Close");
            } catch (SocketTimeoutException e) {
                POLITE.add("backend-closed-first");
                socket.close();
            }
        });
        // answers the Close and never closes: how long until the proxy gives up on it
        stubborn = ScriptedBackend.start((socket, in, out) -> {
            answerClose(in, out);
            long t0 = System.nanoTime();
            socket.setSoTimeout((int) WAIT.toMillis());
            try {
                in.read();
            } catch (SocketTimeoutException e) {
                // the proxy never closed: reported as the whole wait
            }
            STUBBORN.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        });
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  polite:
                    backends: [%s]
                  stubborn:
                    backends: [%s]
                routes:
                  - {path: /polite/tunnel, pool: polite, mode: tunnel}
                  - {path: /polite/terminate, pool: polite, mode: terminate}
                  - {path: /stubborn/tunnel, pool: stubborn, mode: tunnel}
                  - {path: /stubborn/terminate, pool: stubborn, mode: terminate}
                timeouts:
                  close: 3s
                """.formatted(polite.address(), stubborn.address()));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {proxy, polite, stubborn}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    /** Reads one (masked) frame from the proxy, which must be a Close, and answers it with a Close. */
    private static void answerClose(InputStream in, OutputStream out) throws IOException {
        int b0 = in.read();
        int len = in.read() & 0x7f;
        byte[] mask = in.readNBytes(4);
        byte[] payload = in.readNBytes(len);
        for (int i = 0; i < payload.length; i++) {
            payload[i] ^= mask[i % 4];
        }
        if ((b0 & 0x0f) != CLOSE) {
            throw new IOException("expected a Close, got opcode " + (b0 & 0x0f));
        }
        out.write(RawWsClient.frame(true, CLOSE, payload, false));
        out.flush();
    }

    private static void clientCloses(String path) {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), path, Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            up.client().sendClose(1000, "bye");
            RawWsClient.Frame reply = up.client().readDataOrClose();
            assertThat(reply.opcode()).isEqualTo(CLOSE);
            assertThat(up.client().awaitEof(WAIT)).as("the client's TCP is closed by the proxy").isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tunnel", "terminate"})
    void theBackendClosesTcpFirstAndTheClientIsNotKeptWaiting(String mode) throws InterruptedException {
        long t0 = System.nanoTime();
        clientCloses("/polite/" + mode);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the client's end does not wait for the backend's")
                .isLessThan(Duration.ofMillis(GRACE_MS));
        assertThat(POLITE.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("backend-closed-first");
        proxy.awaitLine(l -> l.contains("route=/polite/" + mode) && l.contains("close=1000"), WAIT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tunnel", "terminate"})
    void aBackendThatNeverClosesIsClosedAfterTheCloseTimeout(String mode) throws InterruptedException {
        clientCloses("/stubborn/" + mode);
        Long waited = STUBBORN.poll(WAIT.toSeconds() + 5, TimeUnit.SECONDS);
        assertThat(waited).as("the proxy closed the backend").isNotNull().isLessThan(WAIT.toMillis() - 1000);
        proxy.awaitLine(l -> l.contains("route=/stubborn/" + mode) && l.contains("close=1000"), WAIT);
    }
}
