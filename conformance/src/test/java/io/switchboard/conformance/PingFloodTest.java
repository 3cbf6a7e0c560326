package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/**
 * A client that sends Pings and never reads the Pongs: in terminate mode the proxy answers each
 * Ping itself (RFC 6455 §5.5.2), so unless it stops reading such a client, the Pongs it cannot
 * deliver pile up in its memory. It must stop reading, and TCP then stops the client.
 */
class PingFloodTest {
    private static final long CAP = 128L << 20;      // the most the test tries to send
    private static final long STALLED = 48L << 20;   // socket buffers hold a few MiB; far more means it kept reading

    @Test
    void aClientThatDoesNotReadItsPongsIsNotReadEither() throws Exception {
        try (StubBackend backend = StubBackend.greeter("hi");
             ProxyProcess proxy = ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  p: {backends: [" + backend.address()
                     + "]}\nroutes:\n  - {path: /, pool: p, mode: terminate}\nwebsocket: {heartbeat: off}\n")) {
            RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/t", Map.of());
            assertThat(up.head().status()).isEqualTo(101);
            byte[] ping = RawWsClient.frame(true, 0x9, new byte[125], true);
            byte[] chunk = new byte[ping.length * 8000];
            for (int i = 0; i < 8000; i++) {
                System.arraycopy(ping, 0, chunk, i * ping.length, ping.length);
            }
            AtomicLong sent = new AtomicLong();
            Socket socket = up.client().socket();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    OutputStream out = socket.getOutputStream();
                    while (sent.get() < CAP) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (Exception e) {
                    // the socket closed under it at the end of the test
                }
            });
            writer.join(8_000);
            assertThat(sent.get()).as("bytes of Pings the proxy took without their Pongs being read")
                    .isLessThan(STALLED);
            socket.close();
            writer.join(5_000);
            try (RawWsClient.Upgrade after = RawWsClient.upgrade(proxy.port(), "/t", Map.of())) {
                assertThat(after.head().status()).as("still serving").isEqualTo(101);
            }
        }
    }
}
