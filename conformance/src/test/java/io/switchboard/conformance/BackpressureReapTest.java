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

    @Test
    void aBackendReapedInsideAFrameEndsTheClientWithATcpCloseAtOnce() throws Exception {
        ScriptedBackend.Script diesMidFrame = (socket, in, out) -> {
            byte[] frame = RawWsClient.frame(true, RawWsClient.BINARY, new byte[1 << 20], false);
            out.write(frame, 0, 10 * 1024); // a 1 MiB frame's header and its first 10 KiB, then silence
            out.flush();
            Thread.sleep(30_000);
        };
        try (ScriptedBackend backend = ScriptedBackend.start(diesMidFrame);
             ProxyProcess proxy = ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  p: {backends: [" + backend.address()
                     + "]}\nroutes:\n  - {path: /, pool: p}\n"
                     + "websocket: {heartbeat: {downstream: off, upstream: {interval: 300ms, timeout: 300ms}}}\n"
                     + "timeouts: {close: 10s}\n");
             RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/stuck", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            long t = System.nanoTime();
            // inside the backend's frame no Close can reach the client (RFC 6455 §5.4): only TCP's close
            assertThat(up.client().awaitEof(Duration.ofSeconds(8))).as("the client's connection ends").isTrue();
            assertThat((System.nanoTime() - t) / 1_000_000).as("ms: at the reap, not after the 10 s close timeout")
                    .isLessThan(5_000);
        }
    }
}
