package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A backend stuck on its reads that still pushes messages, and a client uploading to it: the
 * proxy stops reading the client while the backend's socket is full, so the client's silence is
 * the proxy's doing and proves nothing. The heartbeat must reap the backend, which reads nothing,
 * not the client, whose Pongs simply wait unread.
 */
@Timeout(60)
class BackpressureReapTest {
    @Test
    void theBackendThatStoppedReadingIsReapedNotTheClientWaitingBehindIt() throws Exception {
        ScriptedBackend.Script pushesNeverReads = (socket, in, out) -> {
            for (int i = 0; i < 300; i++) {
                out.write(RawWsClient.frame(true, RawWsClient.TEXT, ("tick " + i).getBytes(StandardCharsets.UTF_8), false));
                out.flush();
                Thread.sleep(100);
            }
        };
        try (ScriptedBackend backend = ScriptedBackend.start(pushesNeverReads);
             ProxyProcess proxy = ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  p: {backends: [" + backend.address()
                     + "]}\nroutes:\n  - {path: /, pool: p}\nwebsocket: {heartbeat: {interval: 300ms, timeout: 600ms}}\n");
             RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/upload", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            byte[] frame = RawWsClient.frame(true, RawWsClient.BINARY, new byte[64 * 1024], true);
            Thread uploader = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 4_000; i++) { // 256 MiB at most: far past every buffer on the way
                        up.client().socket().getOutputStream().write(frame);
                    }
                } catch (Exception e) {
                    // the connection ended
                }
            });
            up.client().readTimeout(Duration.ofSeconds(15));
            RawWsClient.Frame f;
            do {
                f = up.client().readFrame();
                if (f.opcode() == RawWsClient.PING) {
                    up.client().sendFrame(true, RawWsClient.PONG, f.payload()); // queued behind the upload
                }
            } while (f.opcode() != RawWsClient.CLOSE);
            assertThat(f.closeCode()).as("the client is told its backend was reaped: " + f.closeReason()).isEqualTo(1014);
            assertThat(proxy.awaitLine(l -> l.contains(" ws ") && l.contains("closed-by="), Duration.ofSeconds(10)))
                    .contains("closed-by=backend-reaped");
            up.client().close();
            uploader.join(5_000);
        }
    }
}
