package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A backend named by a host name is looked up off the event loop: while one upgrade's lookup is
 * stuck (a resolver that answers only when the test says so, {@link GatedResolver}), upgrades to
 * other pools on the same loop open and relay as usual, and the stuck one completes once its name
 * resolves. If the lookup ran on the loop thread, every socket on it would wait with the resolver.
 */
class SlowDnsTest {
    @Test
    void aStuckLookupHoldsUpNoOtherUpgrade() throws Exception {
        Path gate = Files.createTempDirectory("switchboard-dns-gate");
        try (StubBackend live = StubBackend.greeter("live");
             ProxyProcess proxy = ProxyProcess.runWith(List.of("-D" + GatedResolver.GATE + "=" + gate),
                     List.of(Path.of("src/test/dns-gate").toAbsolutePath()), """
                     listen: 127.0.0.1:0
                     accept: loop
                     pools:
                       gated: {backends: [live.gated.test:%1$s]}
                       live: {backends: [127.0.0.1:%1$s]}
                     routes:
                       - {path: /gated, pool: gated, mode: tunnel}
                       - {path: /live, pool: live, mode: tunnel}
                     """.formatted(port(live)))) {
            CompletableFuture<String> gated = CompletableFuture.supplyAsync(() -> {
                try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/gated", Map.of())) {
                    assertThat(up.head().status()).isEqualTo(101);
                    return up.client().readMessage().text();
                }
            });
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(gate.resolve("asked")));
            for (int i = 0; i < 10; i++) {
                try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/live", Map.of())) {
                    assertThat(up.head().status()).isEqualTo(101);
                    assertThat(up.client().readMessage().text()).isEqualTo("live");
                }
            }
            assertThat(gated).as("the upgrade whose backend is being looked up is still waiting").isNotDone();
            Files.createFile(gate.resolve("open"));
            assertThat(gated.get(10, TimeUnit.SECONDS)).isEqualTo("live");
            assertThat(Files.readString(gate.resolve("asked"))).isEqualTo("live.gated.test\n");
        } finally {
            for (String f : new String[] {"asked", "open", ""}) {
                Files.deleteIfExists(gate.resolve(f));
            }
        }
    }

    private static String port(StubBackend backend) {
        return backend.address().substring(backend.address().lastIndexOf(':') + 1);
    }
}
