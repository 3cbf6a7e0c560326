package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sticky pinning: consistent hashing sends one key to one backend every time and spreads many
 * keys over all backends, whatever part of the request the key comes from; round-robin rotates.
 * Where a connection landed is asked of the backend itself ({@code /name}).
 */
@Timeout(180)
class StickyTest {
    private static final List<PythonWsBackend> backends = new ArrayList<>();
    private static ProxyProcess proxy;
    private static Set<String> allNames;

    @BeforeAll
    static void start() {
        for (String name : List.of("py-a", "py-b", "py-c")) {
            backends.add(PythonWsBackend.start(name));
        }
        allNames = Set.of("py-a", "py-b", "py-c");
        String list = String.join(", ", backends.stream().map(PythonWsBackend::address).toList());
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  by-header:
                    backends: [%1$s]
                    balance: consistent-hash
                    hash-key: header:X-User
                    fallback: round-robin
                  by-cookie:
                    backends: [%1$s]
                    balance: consistent-hash
                    hash-key: cookie:session
                  by-query:
                    backends: [%1$s]
                    balance: consistent-hash
                    hash-key: query:user
                  by-path:
                    backends: [%1$s]
                    balance: consistent-hash
                    hash-key: path:2
                  rotating:
                    backends: [%1$s]
                    balance: round-robin
                  weighted:
                    backends:
                      - {address: %2$s, weight: 3}
                      - {address: %3$s, weight: 1}
                    balance: consistent-hash
                    hash-key: header:X-User
                  least:
                    backends: [%2$s, %3$s]
                    balance: least-connections
                routes:
                  - path: /h
                    pool: by-header
                    mode: tunnel
                  - path: /c
                    pool: by-cookie
                    mode: tunnel
                  - path: /q
                    pool: by-query
                    mode: tunnel
                  - path: /room
                    pool: by-path
                    mode: tunnel
                  - path: /rr
                    pool: rotating
                    mode: tunnel
                  - path: /weighted
                    pool: weighted
                    mode: tunnel
                  - path: /least
                    pool: least
                    mode: tunnel
                """.formatted(list, backends.get(0).address(), backends.get(1).address()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        backends.forEach(PythonWsBackend::close);
    }

    /** Opens a WebSocket through the proxy, asks the backend its name, closes. */
    private static String landedOn(String pathAndQuery, Map<String, String> headers) {
        URI uri = proxy.ws(pathAndQuery);
        try (JdkWsClient ws = JdkWsClient.connect(uri, headers)) {
            return ws.request("/name");
        }
    }

    @Test
    void sameHeaderKeyReachesTheSameBackendEveryTime() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seen.add(landedOn("/h", Map.of("X-User", "alice")));
        }
        assertThat(seen).hasSize(10).containsOnly(seen.get(0));
        assertThat(allNames).contains(seen.get(0));
    }

    @Test
    void manyHeaderKeysSpreadOverAllBackendsAndEachStaysPinned() {
        Map<String, String> first = new HashMap<>();
        for (int i = 0; i < 60; i++) {
            first.put("user-" + i, landedOn("/h", Map.of("X-User", "user-" + i)));
        }
        assertThat(new HashSet<>(first.values())).isEqualTo(allNames);
        // a second round: every user lands where it landed before
        for (int i = 0; i < 60; i += 5) {
            assertThat(landedOn("/h", Map.of("X-User", "user-" + i))).as("user-%d again", i).isEqualTo(first.get("user-" + i));
        }
    }

    @Test
    void cookieKeyPinsAndSpreads() {
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String cookie = "theme=dark; session=s" + i + "; lang=en";
            String a = landedOn("/c", Map.of("Cookie", cookie));
            String b = landedOn("/c", Map.of("Cookie", cookie));
            assertThat(b).as("session s%d twice", i).isEqualTo(a);
            used.add(a);
        }
        assertThat(used).isEqualTo(allNames);
    }

    @Test
    void queryKeyPinsAndSpreads() {
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String a = landedOn("/q?x=1&user=u" + i, Map.of());
            String b = landedOn("/q?user=u" + i + "&other=" + i, Map.of());
            assertThat(b).as("user u%d twice, other parameters differing", i).isEqualTo(a);
            used.add(a);
        }
        assertThat(used).isEqualTo(allNames);
    }

    @Test
    void pathSegmentKeyPinsAndSpreads() {
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String a = landedOn("/room/" + i, Map.of());
            String b = landedOn("/room/" + i + "/chat?x=" + i, Map.of());
            assertThat(b).as("room %d twice", i).isEqualTo(a);
            used.add(a);
        }
        assertThat(used).isEqualTo(allNames);
    }

    @Test
    void roundRobinPoolCyclesOverAllBackends() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            seen.add(landedOn("/rr", Map.of()));
        }
        // any three consecutive connections cover all three backends, and the cycle repeats
        for (int i = 0; i + 3 <= seen.size(); i++) {
            assertThat(new HashSet<>(seen.subList(i, i + 3))).as("connections %d..%d of %s", i, i + 2, seen).isEqualTo(allNames);
        }
    }

    @Test
    void headerNameIsMatchedCaseInsensitively() {
        String viaJdk = landedOn("/h", Map.of("X-User", "case-user"));
        for (String spelling : List.of("x-user", "X-USER", "x-User")) {
            try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/h", Map.of(spelling, "case-user"))) {
                assertThat(up.head().status()).isEqualTo(101);
                up.client().sendText("/name");
                assertThat(up.client().readMessage().text()).as("header spelled %s", spelling).isEqualTo(viaJdk);
            }
        }
    }

    @Test
    void weightsSkewTheShareOfKeys() {
        int heavy = 0;
        int light = 0;
        for (int i = 0; i < 200; i++) {
            String name = landedOn("/weighted", Map.of("X-User", "w" + i));
            if (name.equals("py-a")) {
                heavy++;
            } else if (name.equals("py-b")) {
                light++;
            } else {
                throw new AssertionError("landed on " + name + ", which is not in the pool");
            }
        }
        // weight 3 against weight 1: about 150 against 50
        assertThat(heavy).as("keys on the weight-3 backend (the weight-1 one got %d)", light).isBetween(110, 185);
    }

    @Test
    void leastConnectionsPicksTheBackendWithFewerOpenConnections() {
        try (JdkWsClient first = JdkWsClient.connect(proxy.ws("/least"))) {
            String a = first.request("/name");
            String b;
            try (JdkWsClient second = JdkWsClient.connect(proxy.ws("/least"))) {
                b = second.request("/name");
                assertThat(b).as("second connection while the first is open on %s", a).isNotEqualTo(a);
                try (JdkWsClient third = JdkWsClient.connect(proxy.ws("/least"))) {
                    third.request("/name"); // 2 against 1 now, whichever it picked
                }
            }
            // the second and third are closed: 'a' has 1 open, 'b' 0 (once the proxy has released
            // them, hence the retry: each probe closes again before the next)
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(landedOn("/least", Map.of())).isEqualTo(b));
        }
    }

    @Test
    void absentKeyWithRoundRobinFallbackRotates() {
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            used.add(landedOn("/h", Map.of()));
        }
        assertThat(used).as("6 connections without X-User").isEqualTo(allNames);
    }
}
