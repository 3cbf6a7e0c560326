package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two Switchboards in a row (a fleet in front of sidecars), both with heartbeats: the outer one
 * relays the inner one's pings to the client and must relay the client's Pongs back, not take
 * them for answers to its own. A push-only feed (the client never sends data) is where it shows:
 * the inner proxy hears nothing from the outer one but those Pongs.
 */
@Timeout(60)
class ChainedProxiesTest {
    private static final String HEARTBEAT = "websocket: {heartbeat: {interval: 300ms, timeout: 300ms}}\n";

    @Test
    void eachProxyTakesOnlyItsOwnPongsAndAPushOnlyFeedStaysUp() throws Exception {
        ScriptedBackend.Script feed = (socket, in, out) -> {
            for (int i = 0; i < 40; i++) { // a tick every 100 ms for 4 s, never reading
                out.write(RawWsClient.frame(true, RawWsClient.TEXT, ("tick " + i).getBytes(StandardCharsets.UTF_8), false));
                out.flush();
                Thread.sleep(100);
            }
            Thread.sleep(10_000);
        };
        try (ScriptedBackend backend = ScriptedBackend.start(feed);
             ProxyProcess inner = ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  p: {backends: [" + backend.address()
                     + "]}\nroutes:\n  - {path: /, pool: p}\n" + HEARTBEAT);
             ProxyProcess outer = ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  p: {backends: [127.0.0.1:"
                     + inner.port() + "]}\nroutes:\n  - {path: /, pool: p}\n" + HEARTBEAT);
             RawWsClient.Upgrade up = RawWsClient.upgrade(outer.port(), "/feed", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            RawWsClient client = up.client();
            int ticks = 0;
            int pings = 0;
            long end = System.nanoTime() + Duration.ofMillis(3_500).toNanos();
            while (System.nanoTime() < end) {
                RawWsClient.Frame f = client.readFrame();
                if (f.opcode() == RawWsClient.PING) {
                    pings++;
                    client.sendFrame(true, RawWsClient.PONG, f.payload()); // a client answers every ping
                } else {
                    assertThat(f.opcode()).as("still open after " + ticks + " ticks: " + (f.opcode() == RawWsClient.CLOSE
                            ? "Close " + f.closeCode() + " " + f.closeReason() : "opcode " + f.opcode()))
                            .isEqualTo(RawWsClient.TEXT);
                    ticks++;
                }
            }
            assertThat(pings).as("the inner proxy's pings reach the client through the outer one").isPositive();
            assertThat(ticks).isGreaterThanOrEqualTo(25);
            assertThat(inner.lines()).noneMatch(l -> l.contains("reaped"));
            assertThat(outer.lines()).noneMatch(l -> l.contains("reaped"));
        }
    }
}
