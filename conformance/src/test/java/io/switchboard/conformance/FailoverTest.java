package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Failover before the 101: a backend that refuses TCP or answers 5xx is skipped and the next one
 * takes the connection, so the client never notices.
 */
@Timeout(120)
class FailoverTest {
    private static final List<PythonWsBackend> trio = new ArrayList<>();
    private static PythonWsBackend spare;
    private static StubBackend failing;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        for (String name : List.of("fo-a", "fo-b", "fo-c")) {
            trio.add(PythonWsBackend.start(name));
        }
        spare = PythonWsBackend.start("spare");
        failing = StubBackend.status(500, "Internal Server Error", "backend exploded");
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  trio:
                    backends: [%s, %s, %s]
                    balance: consistent-hash
                    hash-key: header:X-User
                    attempts: 3
                  dead-first:
                    backends: [%s, %s]
                    balance: consistent-hash
                    hash-key: header:X-User
                    attempts: 2
                  failing-first:
                    backends: [%s, %s]
                    balance: round-robin
                    attempts: 2
                  one-attempt:
                    backends: [%s, %s]
                    balance: consistent-hash
                    hash-key: header:X-User
                    attempts: 1
                routes:
                  - path: /trio
                    pool: trio
                    mode: tunnel
                  - path: /dead-first
                    pool: dead-first
                    mode: tunnel
                  - path: /failing-first
                    pool: failing-first
                    mode: tunnel
                  - path: /one-attempt
                    pool: one-attempt
                    mode: tunnel
                timeouts:
                  connect: 1s
                """.formatted(trio.get(0).address(), trio.get(1).address(), trio.get(2).address(),
                StubBackend.deadAddress(), spare.address(), failing.address(), spare.address(),
                StubBackend.deadAddress(), spare.address()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        trio.forEach(PythonWsBackend::close);
        if (spare != null) {
            spare.close();
        }
        if (failing != null) {
            failing.close();
        }
    }

    private static String landedOn(String path, String user) {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws(path), Map.of("X-User", user))) {
            return ws.request("/name");
        }
    }

    @Test
    void whenTheOwnerIsDownTheConnectionGoesToAnotherBackend() {
        // learn where a few users live while everything is up
        Map<String, String> owner = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            owner.put("u" + i, landedOn("/trio", "u" + i));
        }
        String victimUser = owner.keySet().iterator().next();
        String victimName = owner.get(victimUser);
        PythonWsBackend victim = trio.stream().filter(b -> b.name().equals(victimName)).findFirst().orElseThrow();
        victim.close();
        assertThat(victim.isAlive()).isFalse();

        String now = landedOn("/trio", victimUser);
        assertThat(now).as("%s's owner %s is down", victimUser, victimName).isNotEqualTo(victimName).isIn("fo-a", "fo-b", "fo-c");
        // users whose owner is alive are not moved
        owner.forEach((user, name) -> {
            if (!name.equals(victimName)) {
                assertThat(landedOn("/trio", user)).as("user %s (owner %s alive)", user, name).isEqualTo(name);
            }
        });
    }

    @Test
    void deadBackendListedFirstIsSkipped() {
        for (int i = 0; i < 10; i++) {
            assertThat(landedOn("/dead-first", "user-" + i)).isEqualTo("spare");
        }
    }

    @Test
    void withOneAttemptADeadOwnerIsNotFailedOver() {
        // keys are spread over [dead, spare]; the first key owned by the dead backend gets 502
        // (later ones may be spared by ejection, which is why only "at least one" is asserted)
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/one-attempt", Map.of("X-User", "one-" + i))) {
                statuses.add(up.head().status());
            }
        }
        assertThat(statuses).as("statuses of 20 keys").contains(502).containsOnly(101, 502);
    }

    @Test
    void backendAnswering500IsSkippedForTheNextOne() {
        for (int i = 0; i < 4; i++) {
            assertThat(landedOn("/failing-first", "any-" + i)).isEqualTo("spare");
        }
        assertThat(failing.requests()).as("upgrade requests the 500 backend saw").isNotEmpty();
        assertThat(failing.requests().get(0)).startsWith("GET /failing-first");
    }
}
