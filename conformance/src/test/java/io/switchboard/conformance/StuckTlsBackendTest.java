package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TLS backend that stops reading while a client keeps sending: the proxy's relay thread blocks
 * in its write, holding the TLS socket's lock, and reaping that backend (a heartbeat timeout)
 * must not block the proxy's shared timer thread on that lock, or every other connection's
 * heartbeats, idle limits and handshake deadlines stop with it.
 */
@Timeout(90)
class StuckTlsBackendTest {
    @Test
    void reapingAStuckTlsBackendStopsNoOtherConnectionsTimers() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-stuck-tls");
        Path cert = dir.resolve("backend.pem");
        Path key = dir.resolve("backend-key.pem");
        TlsTest.generate(dir, "backend", cert, key);
        ScriptedBackend.Script neverReads = (socket, in, out) -> Thread.sleep(60_000);
        try (ScriptedBackend sink = ScriptedBackend.start(neverReads);
             ScriptedBackend silent = ScriptedBackend.start(neverReads);
             // the TLS backend: a Switchboard with a TLS listener in front of a backend that never reads
             ProxyProcess tlsBackend = ProxyProcess.run("listen: 127.0.0.1:0\ntls: {cert-file: " + cert + ", key-file: " + key
                     + "}\npools:\n  s: {backends: [" + sink.address() + "]}\nroutes:\n  - {path: /, pool: s}\n"
                     + "websocket: {heartbeat: off}\n");
             ProxyProcess proxy = ProxyProcess.run("""
                     listen: 127.0.0.1:0
                     pools:
                       tls: {backends: ["localhost:%d"], tls: {ca-file: %s}, attempts: 1}
                       plain: {backends: [%s]}
                     routes:
                       - path: /tls
                         pool: tls
                         websocket: {heartbeat: {downstream: off, upstream: {interval: 300ms, timeout: 300ms}}}
                       - path: /plain
                         pool: plain
                         websocket: {heartbeat: {downstream: {interval: 300ms, timeout: 300ms}, upstream: off}}
                     """.formatted(tlsBackend.port(), cert, silent.address()))) {
            RawWsClient.Upgrade writer = RawWsClient.upgrade(proxy.port(), "/tls", Map.of());
            assertThat(writer.head().status()).isEqualTo(101);
            byte[] frame = RawWsClient.frame(true, RawWsClient.BINARY, new byte[64 * 1024], true);
            Thread flood = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 2_000; i++) { // 128 MiB at most: far past every buffer on the way
                        writer.client().socket().getOutputStream().write(frame);
                    }
                } catch (Exception e) {
                    // the proxy closed this client after reaping its backend
                }
            });
            Thread.sleep(4_000); // the buffers on the way fill, the relay's TLS write blocks, the backend is reaped
            try (RawWsClient.Upgrade quiet = RawWsClient.upgrade(proxy.port(), "/plain", Map.of())) {
                assertThat(quiet.head().status()).isEqualTo(101);
                // a client that answers no ping is reaped at interval + timeout, by the timer thread
                assertThat(quiet.client().awaitEof(Duration.ofSeconds(6)))
                        .as("the silent client on another route was reaped: the timer thread still runs").isTrue();
            }
            writer.close();
            flood.join(5_000);
        }
    }
}
