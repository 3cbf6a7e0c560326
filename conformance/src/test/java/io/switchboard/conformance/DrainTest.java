package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.switchboard.demo.EchoBackend;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The process drain on SIGTERM, through the real main: 1,000 WebSockets each echoing a counter get
 * Close 1012 paced over the spread, new upgrades after the delay get 503, nothing sent before the
 * Close is lost, and the process exits 0 before its deadline.
 */
class DrainTest {
    private static final int CLIENTS = 1000;
    private static EchoBackend a;
    private static EchoBackend b;

    @BeforeAll
    static void start() {
        a = EchoBackend.start("a");
        b = EchoBackend.start("b");
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
    }

    /** What one client saw. */
    record Outcome(long closedAtMs, int code, String reason, int sent, int echoed, String problem) {
    }

    @Test
    void sigtermClosesEveryWebSocketWith1012PacedOverTheSpreadAndExitsZero() throws Exception {
        ProxyProcess proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  echo: {backends: [%s, %s], hash-key: header:X-User}
                routes:
                  - {path: /, pool: echo}
                drain: {delay: 1s, spread: 5s, deadline: 15s}
                """.formatted(a.address(), b.address()));
        List<RawWsClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/drain", Map.of("X-User", "u" + i));
            assertThat(up.head().status()).isEqualTo(101);
            up.client().readTimeout(Duration.ofSeconds(20));
            clients.add(up.client());
        }
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(CLIENTS);
        long[] termAt = new long[1];
        for (RawWsClient c : clients) {
            Thread.ofVirtual().start(() -> {
                try {
                    outcomes.add(echoUntilClose(c, termAt));
                } finally {
                    done.countDown();
                }
            });
        }
        Thread.sleep(500);
        termAt[0] = System.nanoTime();
        proxy.terminate();
        Thread.sleep(1500); // past the 1 s delay: new upgrades are refused
        RawWsClient.Upgrade late = RawWsClient.upgrade(proxy.port(), "/late", Map.of());
        assertThat(late.head().status()).isEqualTo(503);
        assertThat(late.head().header("Retry-After")).isNotNull();
        late.close();

        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(outcomes).allSatisfy(o -> {
            assertThat(o.problem()).isNull();
            assertThat(o.code()).isEqualTo(1012);
            assertThat(o.reason()).isEqualTo("service restart");
            assertThat(o.sent() - o.echoed()).as("at most the one message in flight when the Close came").isBetween(0, 1);
        });
        int exit = proxy.awaitExit(Duration.ofSeconds(15));
        assertThat(exit).as("exit status after a clean drain").isZero();

        // paced: every close after the delay, within the spread (+ slack), no 10% slice with > 25%
        long[] histogram = new long[10];
        for (Outcome o : outcomes) {
            assertThat(o.closedAtMs()).isBetween(900L, 6800L);
            int slice = (int) Math.min(9, Math.max(0, (o.closedAtMs() - 1000) / 500));
            histogram[slice]++;
        }
        System.out.println("drain close histogram (500 ms slices after the 1 s delay): " + java.util.Arrays.toString(histogram));
        for (long count : histogram) {
            assertThat(count).as("closes in one 10%% slice of the window").isLessThanOrEqualTo(CLIENTS / 4);
        }
        clients.forEach(RawWsClient::close);
    }

    @Test
    void aSecondSigtermSkipsThePacing() throws Exception {
        ProxyProcess proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  echo: {backends: [%s]}
                routes:
                  - {path: /, pool: echo}
                drain: {delay: 0s, spread: 20s, deadline: 30s}
                """.formatted(a.address()));
        List<RawWsClient> clients = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/hurry", Map.of());
            up.client().readTimeout(Duration.ofSeconds(10));
            clients.add(up.client());
        }
        long t0 = System.nanoTime();
        proxy.terminate();
        Thread.sleep(1000); // a few closes have gone out of a 20 s spread
        proxy.terminate(); // the second signal: everything else now
        for (RawWsClient c : clients) {
            RawWsClient.Frame f = c.readDataOrClose();
            assertThat(f.opcode()).isEqualTo(RawWsClient.CLOSE);
            assertThat(f.closeCode()).isEqualTo(1012);
            c.sendClose(1012, "");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("all 40 closed long before the 20 s spread").isLessThan(5000L);
        assertThat(proxy.awaitExit(Duration.ofSeconds(15))).isZero();
        Thread.sleep(500);
        assertThat(proxy.stderrText()).contains("second signal");
        clients.forEach(RawWsClient::close);
    }

    @Test
    void anUpgradeUnderWayAtTheSignalIsClosedAsSoonAsItOpens() throws Exception {
        try (StubBackend slow = StubBackend.slowGreeter("late", 1500);
             ProxyProcess proxy = ProxyProcess.run("""
                     listen: 127.0.0.1:0
                     pools:
                       slow: {backends: [%s]}
                     routes:
                       - {path: /, pool: slow}
                     drain: {delay: 0s, spread: 0s, deadline: 20s}
                     """.formatted(slow.address()))) {
            assertTheDialUnderWayOpensThenCloses(proxy, slow, true);
        }
    }

    /**
     * The same over a TLS leg to the backend, where the dial blocks Helidon's thread and the
     * tunnel is handed back to Helidon to run: the backend is a second Switchboard with a TLS
     * listener in front of the slow stub.
     */
    @Test
    void anUpgradeUnderWayOverTlsAtTheSignalIsClosedAsSoonAsItOpens() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("switchboard-drain-tls");
        java.nio.file.Path cert = dir.resolve("backend.pem");
        java.nio.file.Path key = dir.resolve("backend-key.pem");
        TlsTest.generate(dir, "backend", cert, key);
        try (StubBackend slow = StubBackend.slowGreeter("late", 1500);
             ProxyProcess tlsBackend = ProxyProcess.run("listen: 127.0.0.1:0\ntls: {cert-file: " + cert + ", key-file: "
                     + key + "}\npools:\n  s: {backends: [" + slow.address() + "]}\nroutes:\n  - {path: /, pool: s}\n");
             ProxyProcess proxy = ProxyProcess.run("""
                     listen: 127.0.0.1:0
                     pools:
                       b:
                         backends: [localhost:%d]
                         tls: {ca-file: %s}
                     routes:
                       - {path: /, pool: b}
                     drain: {delay: 0s, spread: 0s, deadline: 20s}
                     """.formatted(tlsBackend.port(), cert))) {
            // The TLS backend relays the stub's frame after its 101, in a later TLS record: it may
            // reach this proxy after the drain's Close went out, and is then dropped (no data frame
            // may follow a Close, RFC 6455 section 5.5.1), so here the frame is optional.
            assertTheDialUnderWayOpensThenCloses(proxy, slow, false);
            assertThat(proxy.awaitLine(l -> l.contains(" ws ") && l.contains("path=/late"), Duration.ofSeconds(5)))
                    .as("the blocking path: a relay thread per direction").contains("io=threads");
        }
    }

    /**
     * SIGTERM while {@code slow} holds its 101: the client gets the 101, the backend's frame, then
     * 1012. The frame is certain only when it reached the proxy with the 101 ({@code frameCertain}):
     * bytes that came with the 101 are relayed before the drain's Close.
     */
    private static void assertTheDialUnderWayOpensThenCloses(ProxyProcess proxy, StubBackend slow, boolean frameCertain)
            throws Exception {
        CompletableFuture<RawWsClient.Upgrade> upgrade =
                CompletableFuture.supplyAsync(() -> RawWsClient.upgrade(proxy.port(), "/late", Map.of()));
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !slow.requests().isEmpty());
        long t0 = System.nanoTime();
        proxy.terminate(); // the backend has the request; its 101 is 1.5 s away
        try (RawWsClient.Upgrade up = upgrade.get(10, TimeUnit.SECONDS)) {
            assertThat(up.head().status()).as("the dial under way completes").isEqualTo(101);
            up.client().readTimeout(Duration.ofSeconds(10));
            RawWsClient.Frame f = up.client().readDataOrClose();
            if (f.opcode() != RawWsClient.CLOSE || frameCertain) {
                assertThat(f.opcode()).as("the backend's frame before the Close").isEqualTo(RawWsClient.TEXT);
                assertThat(f.text()).isEqualTo("late");
                f = up.client().readDataOrClose();
            }
            assertThat(f.opcode()).as("a Close, not a cut at the 20 s deadline").isEqualTo(RawWsClient.CLOSE);
            assertThat(f.closeCode()).isEqualTo(1012);
            up.client().sendClose(1012, "");
        }
        assertThat(proxy.awaitExit(Duration.ofSeconds(15))).isZero();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ms).as("exit long before the 20 s deadline").isLessThan(10_000L);
    }

    /** Echoes a counter until the proxy's Close; checks every echo arrives, in order. */
    private static Outcome echoUntilClose(RawWsClient c, long[] termAt) {
        int sent = 0;
        int echoed = 0;
        try {
            while (true) {
                c.sendText(Integer.toString(sent++));
                RawWsClient.Frame f = c.readDataOrClose();
                if (f.opcode() == RawWsClient.CLOSE) {
                    long at = (System.nanoTime() - termAt[0]) / 1_000_000;
                    c.sendClose(f.closeCode(), "");
                    return new Outcome(at, f.closeCode(), f.closeReason(), sent, echoed, null);
                }
                if (!f.text().equals(Integer.toString(echoed))) {
                    return new Outcome(0, 0, "", sent, echoed, "expected echo " + echoed + ", got " + f.text());
                }
                echoed++;
                Thread.sleep(100);
            }
        } catch (Exception e) {
            return new Outcome(0, 0, "", sent, echoed, e.toString());
        }
    }
}
