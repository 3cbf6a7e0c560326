package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.switchboard.demo.EchoBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Draining one backend from the admin API, and hot reloads, through the real main: only the
 * affected sockets are closed (with 1012), everyone else keeps talking, and a broken file changes
 * nothing.
 */
class BackendDrainAndReloadTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<EchoBackend> BACKENDS = new ArrayList<>();

    @BeforeAll
    static void start() {
        for (String name : List.of("a", "b", "c")) {
            BACKENDS.add(EchoBackend.start(name));
        }
    }

    @AfterAll
    static void stop() {
        BACKENDS.forEach(EchoBackend::close);
    }

    private static String yaml(List<EchoBackend> backends, String extra) {
        return "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\n"
                + "drain: {delay: 0s, spread: 500ms, deadline: 3s}\n"
                + "pools:\n  echo:\n    hash-key: header:X-User\n    backends: ["
                + String.join(", ", backends.stream().map(EchoBackend::address).toList()) + "]\n"
                + "routes:\n  - {path: /, pool: echo}\n" + extra;
    }

    /** A connection with the backend it landed on. */
    record Conn(RawWsClient client, String backend) {
    }

    private static List<Conn> connect(ProxyProcess proxy, int n) {
        List<Conn> conns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/", Map.of("X-User", "user-" + i));
            assertThat(up.head().status()).isEqualTo(101);
            up.client().sendText("/name");
            conns.add(new Conn(up.client(), up.client().readMessage().text()));
        }
        assertThat(conns.stream().map(Conn::backend).distinct()).as("keys spread over all backends").hasSize(3);
        return conns;
    }

    /** Either the Close the proxy sent, or the echo proving the socket is still open. */
    private static RawWsClient.Frame roundTrip(Conn c) {
        c.client().sendText("ping?");
        return c.client().readDataOrClose();
    }

    private static String post(ProxyProcess proxy, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body().trim();
    }

    private static String get(ProxyProcess proxy, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body().trim();
    }

    @Test
    void drainingOneBackendMovesExactlyItsSockets() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.run(yaml(BACKENDS, ""))) {
            List<Conn> conns = connect(proxy, 30);
            EchoBackend b = BACKENDS.get(1);
            assertThat(get(proxy, "/admin/pools")).startsWith("200").contains("\"backend\":\"" + b.address() + "\"");
            String answer = post(proxy, "/admin/pools/echo/backends/" + b.address() + "/drain");
            long onB = conns.stream().filter(c -> c.backend().equals("b")).count();
            assertThat(answer).startsWith("202").contains("\"closing\":" + onB);
            Thread.sleep(1500); // the 500 ms spread, plus slack
            for (Conn c : conns) {
                RawWsClient.Frame f = roundTrip(c);
                if (c.backend().equals("b")) {
                    assertThat(f.opcode()).isEqualTo(RawWsClient.CLOSE);
                    assertThat(f.closeCode()).isEqualTo(1012);
                    assertThat(f.closeReason()).isEqualTo("backend drained");
                    c.client().sendClose(1012, ""); // completes the close handshake
                } else {
                    assertThat(f.text()).as("a socket on another backend").isEqualTo("ping?");
                }
            }
            String drained = "\"backend\":\"" + b.address() + "\",\"weight\":1,\"state\":\"drained\",\"open\":0";
            waitFor(() -> uncheckedGet(proxy, "/admin/pools").contains(drained), Duration.ofSeconds(5));
            // a user whose owner is b now lands elsewhere; after undrain it returns
            String userOfB = "user-" + conns.indexOf(conns.stream().filter(c -> c.backend().equals("b")).findFirst().orElseThrow());
            assertThat(nameFor(proxy, userOfB)).isNotEqualTo("b");
            assertThat(post(proxy, "/admin/pools/echo/backends/" + b.address() + "/undrain")).startsWith("200");
            assertThat(nameFor(proxy, userOfB)).isEqualTo("b");
            assertThat(post(proxy, "/admin/pools/echo/backends/10.9.9.9:1/drain")).startsWith("404");
            conns.forEach(c -> c.client().close());
        }
    }

    @Test
    void anUndrainCallsOffTheClosesStillToComeAndASecondDrainSchedulesNoSocketTwice() throws Exception {
        String slowDrain = yaml(BACKENDS, "").replace("drain: {delay: 0s, spread: 500ms, deadline: 3s}",
                // the close timeout outlasts the test's pauses: a socket closed early waits for the reply the test sends at the end
                "drain: {delay: 0s, spread: 4s, deadline: 10s, close-code: 1001}\ntimeouts: {close: 30s}");
        try (ProxyProcess proxy = ProxyProcess.run(slowDrain)) {
            List<Conn> conns = connect(proxy, 30);
            List<Conn> onB = conns.stream().filter(c -> c.backend().equals("b")).toList();
            String b = BACKENDS.get(1).address();
            assertThat(post(proxy, "/admin/pools/echo/backends/" + b + "/drain")).startsWith("202")
                    .contains("\"closing\":" + onB.size());
            String again = post(proxy, "/admin/pools/echo/backends/" + b + "/drain");
            assertThat(again).as("the sockets the first drain is closing are not scheduled again").startsWith("202");
            Thread.sleep(1_000); // about a quarter of the 4 s spread
            String undrain = post(proxy, "/admin/pools/echo/backends/" + b + "/undrain");
            assertThat(undrain).startsWith("200");
            int kept = Integer.parseInt(undrain.replaceAll(".*\"kept\":(\\d+).*", "$1"));
            assertThat(kept).as(undrain).isBetween(1, onB.size() - 1);
            Thread.sleep(4_000); // past the end of the spread
            int closed = 0;
            for (Conn c : onB) {
                RawWsClient.Frame f = roundTrip(c);
                if (f.opcode() == RawWsClient.CLOSE) {
                    assertThat(f.closeCode()).as("drain.close-code applies to a backend drain").isEqualTo(1001);
                    c.client().sendClose(1001, "");
                    closed++;
                } else {
                    assertThat(f.text()).isEqualTo("ping?");
                }
            }
            assertThat(closed).as("closed before the undrain; the rest stay open").isEqualTo(onB.size() - kept);
            String metrics = get(proxy, "/metrics");
            assertThat(metrics).as("counted once each, when closed")
                    .contains("switchboard_drained_connections_total{kind=\"backend\"} " + closed + ".0");
            conns.forEach(c -> c.client().close());
        }
    }

    private static String nameFor(ProxyProcess proxy, String user) {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/", Map.of("X-User", user))) {
            up.client().sendText("/name");
            return up.client().readMessage().text();
        }
    }

    @Test
    void reloadDrainsOnlyTheRemovedBackendAndABrokenFileChangesNothing() throws Exception {
        Path file = ProxyProcess.writeConfig(yaml(BACKENDS, ""));
        try (ProxyProcess proxy = ProxyProcess.start("run", file.toString())) {
            List<Conn> conns = connect(proxy, 30);
            // a broken file: rejected with check's errors, the running config stays
            Files.writeString(file, yaml(BACKENDS, "bogus-key: 1\n"));
            proxy.stdout(); // (errors go to stderr)
            waitFor(() -> proxy.stderrText().contains("reload rejected"), Duration.ofSeconds(10));
            assertThat(proxy.stderrText()).contains("bogus-key").contains("unknown key");
            for (Conn c : conns) {
                assertThat(roundTrip(c).text()).isEqualTo("ping?");
            }
            // remove backend c: only its sockets are closed, with 1012
            Files.writeString(file, yaml(BACKENDS.subList(0, 2), ""));
            waitFor(() -> proxy.stderrText().contains("reload applied"), Duration.ofSeconds(10));
            Thread.sleep(1500);
            for (Conn c : conns) {
                RawWsClient.Frame f = roundTrip(c);
                if (c.backend().equals("c")) {
                    assertThat(f.opcode()).isEqualTo(RawWsClient.CLOSE);
                    assertThat(f.closeCode()).isEqualTo(1012);
                } else {
                    assertThat(f.text()).as("sockets on kept backends are not touched").isEqualTo("ping?");
                }
            }
            assertThat(get(proxy, "/admin/pools")).doesNotContain(BACKENDS.get(2).address());
            conns.forEach(c -> c.client().close());
        }
    }

    @Test
    void rebalanceMovesOnlyTheSocketsWhoseOwnerTheReloadMoved() throws Exception {
        // two pools: consistent hash (echo) and round robin (rr), both on a and b at first
        String rr = "  rr:\n    balance: round-robin\n    backends: [" + BACKENDS.get(0).address() + ", "
                + BACKENDS.get(1).address() + "]\n";
        java.util.function.Function<List<EchoBackend>, String> config = backends -> yaml(backends, "")
                .replace("deadline: 3s}", "deadline: 3s, rebalance: paced}")
                .replace("routes:\n", rr + "routes:\n  - {path: /rr, pool: rr}\n");
        Path file = ProxyProcess.writeConfig(config.apply(BACKENDS.subList(0, 2)));
        try (ProxyProcess proxy = ProxyProcess.start("run", file.toString())) {
            List<Conn> hashed = new ArrayList<>();
            List<Conn> rotated = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                for (String path : new String[] {"/", "/rr"}) {
                    RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), path, Map.of("X-User", "user-" + i));
                    assertThat(up.head().status()).isEqualTo(101);
                    up.client().sendText("/name");
                    (path.equals("/") ? hashed : rotated).add(new Conn(up.client(), up.client().readMessage().text()));
                }
            }
            // a change that moves no owner (the log format): nothing is closed, in either pool
            Files.writeString(file, config.apply(BACKENDS.subList(0, 2)) + "log: {format: json}\n");
            waitFor(() -> proxy.stderrText().contains("reload applied"), Duration.ofSeconds(10));
            Thread.sleep(1000);
            for (Conn c : concat(hashed, rotated)) {
                assertThat(roundTrip(c).text()).as("untouched by a reload that moved no owner").isEqualTo("ping?");
            }
            // backend c joins the hash pool: exactly the keys it now owns move there; rr is untouched
            Files.writeString(file, config.apply(BACKENDS) + "log: {format: json}\n");
            waitFor(() -> proxy.stderrText().split("reload applied", -1).length > 2, Duration.ofSeconds(10));
            Thread.sleep(1000);
            int moved = 0;
            for (int i = 0; i < hashed.size(); i++) {
                RawWsClient.Frame f = roundTrip(hashed.get(i));
                RawWsClient.Upgrade again = RawWsClient.upgrade(proxy.port(), "/", Map.of("X-User", "user-" + i));
                again.client().sendText("/name");
                String owner = again.client().readMessage().text();
                again.client().close();
                if (f.opcode() == RawWsClient.CLOSE) {
                    moved++;
                    assertThat(f.closeCode()).isEqualTo(1012);
                    assertThat(owner).as("a moved key's new owner").isEqualTo("c");
                } else {
                    assertThat(owner).as("a key that stayed keeps its backend").isEqualTo(hashed.get(i).backend());
                }
            }
            assertThat(moved).as("keys c took over").isPositive();
            for (Conn c : rotated) {
                assertThat(roundTrip(c).text()).as("round robin has no owners to move to").isEqualTo("ping?");
            }
            concat(hashed, rotated).forEach(c -> c.client().close());
        }
    }

    @Test
    void sigtermUsesTheDrainSettingsOfTheLastReload() throws Exception {
        String slow = yaml(BACKENDS, "").replace("drain: {delay: 0s, spread: 500ms, deadline: 3s}",
                "drain: {delay: 20s, spread: 0s, deadline: 30s}");
        Path file = ProxyProcess.writeConfig(slow);
        try (ProxyProcess proxy = ProxyProcess.start("run", file.toString())) {
            List<Conn> conns = connect(proxy, 30); // (meanwhile the file watch has started)
            Conn c = conns.get(0);
            // the deadline outlasts timeouts.close (5 s): the 29 clients that never answer the Close are
            // closed by that timeout, cleanly; with both at 5 s the two raced and the exit status with them
            Files.writeString(file, yaml(BACKENDS, "").replace("drain: {delay: 0s, spread: 500ms, deadline: 3s}",
                    "drain: {delay: 0s, spread: 0s, deadline: 8s}"));
            waitFor(() -> proxy.stderrText().contains("reload applied"), Duration.ofSeconds(10));
            proxy.terminate();
            assertThat(c.client().readDataOrClose().closeCode()).as("closed at once, not after the old 20s delay")
                    .isEqualTo(1012);
            assertThat(proxy.awaitExit(Duration.ofSeconds(12))).as("exit status within the new deadline").isZero();
        }
    }

    @Test
    void aBackendDrainOutlivesAReloadThatChangesItsPool() throws Exception {
        Path file = ProxyProcess.writeConfig(yaml(BACKENDS, ""));
        try (ProxyProcess proxy = ProxyProcess.start("run", file.toString())) {
            List<Conn> conns = connect(proxy, 30);
            EchoBackend b = BACKENDS.get(1);
            assertThat(post(proxy, "/admin/pools/echo/backends/" + b.address() + "/drain")).startsWith("202");
            // the pool changes (one more attempt per upgrade) but still lists b
            Files.writeString(file, yaml(BACKENDS, "").replace("    hash-key: header:X-User\n",
                    "    hash-key: header:X-User\n    attempts: 2\n"));
            waitFor(() -> proxy.stderrText().contains("reload applied"), Duration.ofSeconds(10));
            assertThat(get(proxy, "/admin/pools")).contains("\"backend\":\"" + b.address() + "\",\"weight\":1,\"state\":\"drained\"");
            for (int i = 0; i < 20; i++) {
                RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/", Map.of("X-User", "user-" + i));
                up.client().sendText("/name");
                assertThat(up.client().readMessage().text()).as("no new socket on the drained backend").isNotEqualTo("b");
                up.client().close();
            }
            conns.forEach(c -> c.client().close());
        }
    }

    @Test
    void leastConnectionsStillCountsTheOpenWebSocketsAfterItsPoolIsRebuilt() throws Exception {
        String two = yaml(BACKENDS.subList(0, 2), "").replace("    hash-key: header:X-User\n", "    balance: least-connections\n");
        Path file = ProxyProcess.writeConfig(two);
        try (ProxyProcess proxy = ProxyProcess.start("run", file.toString())) {
            List<Conn> open = new ArrayList<>();
            for (int i = 0; i < 10; i++) { // five on a, five on b
                RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/", Map.of());
                up.client().sendText("/name");
                open.add(new Conn(up.client(), up.client().readMessage().text()));
            }
            // c joins: the pool is rebuilt, and a and b still hold their five each
            Files.writeString(file, yaml(BACKENDS, "").replace("    hash-key: header:X-User\n", "    balance: least-connections\n"));
            waitFor(() -> proxy.stderrText().contains("reload applied"), Duration.ofSeconds(10));
            for (int i = 0; i < 4; i++) {
                RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/", Map.of());
                up.client().sendText("/name");
                String on = up.client().readMessage().text();
                open.add(new Conn(up.client(), on));
                assertThat(on).as("the least loaded backend is the new one").isEqualTo("c");
            }
            open.forEach(c -> c.client().close());
        }
    }

    private static List<Conn> concat(List<Conn> a, List<Conn> b) {
        List<Conn> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String uncheckedGet(ProxyProcess proxy, String path) {
        try {
            return get(proxy, path);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aBackendDrainedWhileAnUpgradeToItIsUnderWayClosesThatWebSocketToo() throws Exception {
        try (StubBackend slow = StubBackend.slowGreeter("late", 1500);
             ProxyProcess proxy = ProxyProcess.run("listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\n"
                     + "pools:\n  slow: {backends: [" + slow.address() + "]}\nroutes:\n  - {path: /, pool: slow}\n")) {
            var upgrade = CompletableFuture.supplyAsync(
                    () -> RawWsClient.upgrade(proxy.port(), "/late", Map.of()));
            waitFor(() -> !slow.requests().isEmpty(), Duration.ofSeconds(5));
            // the drain's snapshot is taken now, while the backend has yet to answer the upgrade
            assertThat(post(proxy, "/admin/pools/slow/backends/" + slow.address() + "/drain")).startsWith("202")
                    .contains("\"closing\":0");
            try (RawWsClient.Upgrade up = upgrade.get(10, TimeUnit.SECONDS)) {
                assertThat(up.head().status()).isEqualTo(101);
                up.client().readTimeout(Duration.ofSeconds(5));
                assertThat(up.client().readMessage().text()).isEqualTo("late");
                RawWsClient.Frame f = up.client().readDataOrClose();
                assertThat(f.opcode()).as("the Close the drained backend's sockets get").isEqualTo(RawWsClient.CLOSE);
                assertThat(f.closeCode()).isEqualTo(1012);
            }
        }
    }

    @Test
    void aBackendRemovedByAReloadWhileAnUpgradeToItIsUnderWayClosesThatWebSocketToo() throws Exception {
        try (StubBackend slow = StubBackend.slowGreeter("late", 4000)) {
            // the admin listener on a free port: the default 9901 may be taken on the machine running the tests
            String before = "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\npools:\n  p: {backends: [" + slow.address()
                    + "]}\nroutes:\n  - {path: /, pool: p}\n";
            Path file = ProxyProcess.writeConfig(before);
            try (ProxyProcess proxy = ProxyProcess.start("run", file.toString())) {
                var upgrade = CompletableFuture.supplyAsync(() -> RawWsClient.upgrade(proxy.port(), "/late", Map.of()));
                waitFor(() -> !slow.requests().isEmpty(), Duration.ofSeconds(5));
                // the pool now lists another backend: the reload's snapshot misses the upgrade under way
                Files.writeString(file, before.replace(slow.address(), BACKENDS.get(0).address()));
                waitFor(() -> proxy.stderrText().contains("reload applied"), Duration.ofSeconds(10));
                assertThat(upgrade).as("the backend has yet to answer").isNotDone();
                try (RawWsClient.Upgrade up = upgrade.get(10, TimeUnit.SECONDS)) {
                    assertThat(up.head().status()).isEqualTo(101);
                    up.client().readTimeout(Duration.ofSeconds(5));
                    assertThat(up.client().readMessage().text()).as("the backend's first frame comes first").isEqualTo("late");
                    RawWsClient.Frame f = up.client().readDataOrClose();
                    assertThat(f.opcode()).as("the Close a removed backend's sockets get").isEqualTo(RawWsClient.CLOSE);
                    assertThat(f.closeCode()).isEqualTo(1012);
                }
            }
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited " + timeout).isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
