package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Least-connections must count upgrades still waiting for a backend's 101, not only established
 * tunnels. Otherwise a backend that is slow to answer looks empty for as long as it is slow, and
 * every upgrade of a burst goes to it: the slowest backend gets the most sockets.
 */
@Timeout(60)
class InFlightBalanceTest {
    private static final int UPGRADES = 6;

    @Test
    void upgradesInFlightCountAsOpen() throws Exception {
        try (StubBackend fast = StubBackend.greeter("fast");
             StubBackend slow = StubBackend.slowGreeter("slow", 3_000);
             ProxyProcess proxy = ProxyProcess.run("""
                     listen: 127.0.0.1:0
                     pools:
                       p: {backends: [%s, %s], balance: least-connections}
                     routes:
                       - {path: /, pool: p}
                     websocket: {heartbeat: off}
                     """.formatted(fast.address(), slow.address()))) {
            Map<String, AtomicInteger> landed = new ConcurrentHashMap<>();
            List<RawWsClient.Upgrade> open = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < UPGRADES; i++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/c", Map.of());
                    open.add(up);
                    if (up.head().status() == 101) {
                        landed.computeIfAbsent(up.client().readFrame().text(), k -> new AtomicInteger()).incrementAndGet();
                    }
                }));
                Thread.sleep(150); // each choice is made after the last one's: the fast backend's are open by then
            }
            for (Thread t : clients) {
                t.join(15_000);
            }
            try {
                int onSlow = landed.getOrDefault("slow", new AtomicInteger()).get();
                int onFast = landed.getOrDefault("fast", new AtomicInteger()).get();
                assertThat(onSlow + onFast).as("every upgrade succeeded: " + landed).isEqualTo(UPGRADES);
                // counted from the choice on, the two alternate (3 and 3); counted from the 101, all
                // but the first went to the slow one, which looked empty for three seconds
                assertThat(onSlow).as("upgrades that went to the backend slow to answer: " + landed)
                        .isLessThanOrEqualTo(UPGRADES / 2 + 1);
            } finally {
                open.forEach(RawWsClient.Upgrade::close);
            }
        }
    }
}
