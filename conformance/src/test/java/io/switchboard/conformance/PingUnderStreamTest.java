package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tunnel mode under a steady stream toward a slow client: the proxy's own frames (here its
 * heartbeat ping) may only go between data frames (RFC 6455 §5.4), and must go at the next frame
 * end, not wait for a read that happens to end on a frame boundary: with 10,000-byte frames and
 * full 64 KiB reads that is once in 625 reads, about 40 MB of stream.
 */
@Timeout(60)
class PingUnderStreamTest {
    @Test
    void aPingGoesOutBetweenFramesOfASteadyStream() throws Exception {
        byte[] burst = new byte[100 * 10_004];
        byte[] frame = RawWsClient.frame(true, RawWsClient.BINARY, new byte[10_000], false);
        for (int i = 0; i < 100; i++) {
            System.arraycopy(frame, 0, burst, i * frame.length, frame.length);
        }
        ScriptedBackend.Script stream = (socket, in, out) -> {
            for (int i = 0; i < 1_000; i++) { // up to 1 GB, far more than the test reads
                out.write(burst);
            }
        };
        try (ScriptedBackend backend = ScriptedBackend.start(stream);
             ProxyProcess proxy = ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  p: {backends: [" + backend.address()
                     + "]}\nroutes:\n  - {path: /, pool: p}\n"
                     + "websocket: {heartbeat: {downstream: {interval: 200ms, timeout: 10s}, upstream: off}}\n");
             RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/stream", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            int dataFrames = 0;
            boolean pinged = false;
            while (!pinged && System.nanoTime() < deadline) {
                RawWsClient.Frame f = up.client().readFrame();
                if (f.opcode() == RawWsClient.PING) {
                    pinged = new String(f.payload(), 0, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("SBHB");
                } else {
                    assertThat(f.payload()).as("frames stay whole around the ping").hasSize(10_000);
                    dataFrames++;
                    Thread.sleep(3); // about 3 MB/s: the proxy waits on this client, its reads from the backend are full
                }
            }
            assertThat(pinged).as("a ping within 5 s, after " + dataFrames + " data frames").isTrue();
        }
    }
}
