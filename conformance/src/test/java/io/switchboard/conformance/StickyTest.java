package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
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
                """.formatted(list));
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
    void absentKeyWithRoundRobinFallbackRotates() {
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            used.add(landedOn("/h", Map.of()));
        }
        assertThat(used).as("6 connections without X-User").isEqualTo(allNames);
    }
}
