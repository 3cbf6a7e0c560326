package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dial to the backend as the event loop runs it for plain-TCP routes (no thread waits on the
 * connect or the 101): answers that arrive in pieces, refusals with large or unbounded bodies, a
 * connect that never completes, and a silent backend that must not hold up anyone else's dial.
 * Driven from outside: YAML and the real {@code main}, raw sockets as clients and backends.
 */
class LoopDialTest {
    private static final String BIG_BODY = "0123456789abcdef".repeat(20_000); // 320,000 bytes
    private static StubBackend dribbler;
    private static StubBackend live;
    private static StubBackend big;
    private static StubBackend untilEof;
    private static StubBackend hanging;
    private static ServerSocket full;
    private static final List<Socket> queued = new ArrayList<>();
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() throws IOException {
        dribbler = StubBackend.dribbler("dribbled");
        live = StubBackend.greeter("live");
        big = StubBackend.status(401, "Unauthorized", BIG_BODY);
        untilEof = StubBackend.statusUntilEof(403, "Forbidden", "no length, ends at EOF");
        hanging = StubBackend.hanging();
        full = fullBacklog();
        String fullAddress = "127.0.0.1:" + full.getLocalPort();
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  dribble: {backends: [%s]}
                  big: {backends: [%s]}
                  eof: {backends: [%s]}
                  hang: {backends: [%s]}
                  live: {backends: [%s]}
                  full-first:
                    backends: [%s, %s]
                    balance: round-robin
                    attempts: 2
                  named:
                    backends: [no-such-host.invalid:9, localhost:%s]
                    balance: round-robin
                    attempts: 2
                routes:
                  - {path: /dribble-t, pool: dribble, mode: terminate}
                  - {path: /dribble, pool: dribble, mode: tunnel}
                  - {path: /big, pool: big, mode: tunnel}
                  - {path: /eof, pool: eof, mode: tunnel}
                  - {path: /hang, pool: hang, mode: tunnel}
                  - {path: /live, pool: live, mode: tunnel}
                  - {path: /full-first, pool: full-first, mode: tunnel}
                  - {path: /named, pool: named, mode: tunnel}
                timeouts:
                  connect: 500ms
                  upstream-handshake: 3s
                """.formatted(dribbler.address(), big.address(), untilEof.address(), hanging.address(),
                live.address(), fullAddress, live.address(), live.address().substring(live.address().lastIndexOf(':') + 1)));
    }

    /**
     * A listener that never accepts, its accept queue filled: Linux drops further SYNs, so a
     * connect to it neither succeeds nor is refused until the connect timeout.
     */
    private static ServerSocket fullBacklog() throws IOException {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        for (int i = 0; i < 8; i++) {
            Socket c = new Socket();
            try {
                c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()), 300);
                queued.add(c);
            } catch (IOException e) {
                c.close();
                break; // the queue is full
            }
        }
        return s;
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        for (StubBackend b : new StubBackend[] {dribbler, live, big, untilEof, hanging}) {
            if (b != null) {
                b.close();
            }
        }
        for (Socket s : queued) {
            s.close();
        }
        if (full != null) {
            full.close();
        }
    }

    @Test
    void answerGatheredOverManyReadsOpensTheTunnelInBothModes() {
        for (String path : List.of("/dribble", "/dribble-t")) {
            try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), path, Map.of())) {
                assertThat(up.head().status()).as(path).isEqualTo(101);
                assertThat(up.head().header("Sec-WebSocket-Accept")).as(path).isEqualTo(RawWsClient.acceptFor(up.key()));
                assertThat(up.client().readMessage().text()).as(path + ": the frame sent with the 101").isEqualTo("dribbled");
                up.client().sendClose(1000, "bye");
                RawWsClient.Frame close = up.client().readFrame();
                assertThat(close.opcode()).as(path).isEqualTo(RawWsClient.CLOSE);
                assertThat(close.closeCode()).as(path).isEqualTo(1000);
            }
        }
    }

    @Test
    void refusalWithABodyLargerThanOneReadIsRelayedWhole() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/big", Map.of())) {
            assertThat(up.head().status()).isEqualTo(401);
            assertThat(up.head().body()).hasSize(BIG_BODY.length()).isEqualTo(BIG_BODY);
        }
    }

    @Test
    void refusalWithoutALengthIsRelayedUntilTheBackendCloses() throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(RawWsClient.request(proxy.port(), "/eof", RawWsClient.newKey(), Map.of())
                    .getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(readToEof(s.getInputStream()), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 403").endsWith("\r\n\r\nno length, ends at EOF");
        }
    }

    @Test
    void connectThatNeverCompletesTimesOutAndTheNextBackendIsTried() {
        // round robin over [full, live]: of two upgrades one starts at the full backlog
        long slowest = 0;
        for (int i = 0; i < 2; i++) {
            long t0 = System.nanoTime();
            try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/full-first", Map.of())) {
                assertThat(up.head().status()).isEqualTo(101);
                assertThat(up.client().readMessage().text()).isEqualTo("live");
            }
            slowest = Math.max(slowest, System.nanoTime() - t0);
        }
        assertThat(Duration.ofNanos(slowest)).as("one upgrade waited out the 500ms connect timeout")
                .isGreaterThanOrEqualTo(Duration.ofMillis(450));
    }

    @Test
    void backendsNamedByHostNameAreLookedUpAndOneThatDoesNotResolveIsFailedOver() {
        // round robin over [a name that never resolves (RFC 6761 .invalid), localhost]: of two
        // upgrades one starts at the unresolvable name; both lookups run off the event loop
        for (int i = 0; i < 2; i++) {
            try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/named", Map.of())) {
                assertThat(up.head().status()).isEqualTo(101);
                assertThat(up.client().readMessage().text()).isEqualTo("live");
            }
        }
    }

    @Test
    void silentBackendHoldsUpNoOtherDial() {
        CompletableFuture<Integer> stuck = CompletableFuture.supplyAsync(() -> {
            try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/hang", Map.of())) {
                return up.head().status();
            }
        });
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> !hanging.requests().isEmpty());
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/live", Map.of())) {
                assertThat(up.head().status()).isEqualTo(101);
                assertThat(up.client().readMessage().text()).isEqualTo("live");
            }
        }
        assertThat(stuck).as("the silent backend's upgrade is still waiting").isNotDone();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("20 upgrades beside a silent backend")
                .isLessThan(Duration.ofMillis(2500));
        assertThat(stuck.join()).as("then it gets 504 at the upstream-handshake timeout").isEqualTo(504);
    }

    private static byte[] readToEof(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
