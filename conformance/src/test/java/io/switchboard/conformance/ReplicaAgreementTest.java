package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.switchboard.demo.EchoBackend;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of Switchboard given the same backends (listed in a different order) place 10,000
 * sticky keys on the same backends: consistent hashing depends only on the key and the backends'
 * addresses, so a client may reach either replica.
 */
class ReplicaAgreementTest {
    private static final int KEYS = 10_000;

    @Test
    void twoReplicasAgreeOnEveryKeysOwner() throws Exception {
        List<EchoBackend> backends = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d", "e")) {
            backends.add(EchoBackend.start(name));
        }
        List<String> addresses = backends.stream().map(EchoBackend::address).toList();
        List<String> reversed = new ArrayList<>(addresses);
        java.util.Collections.reverse(reversed);
        try (ProxyProcess one = ProxyProcess.run(config(addresses)); ProxyProcess two = ProxyProcess.run(config(reversed))) {
            Map<String, String> viaOne = owners(one.port());
            Map<String, String> viaTwo = owners(two.port());
            assertThat(viaOne).hasSize(KEYS);
            assertThat(viaTwo).isEqualTo(viaOne);
            Map<String, Integer> spread = new HashMap<>();
            viaOne.values().forEach(b -> spread.merge(b, 1, Integer::sum));
            assertThat(spread).as("every backend owns keys").hasSize(5);
        } finally {
            backends.forEach(EchoBackend::close);
        }
    }

    private static String config(List<String> backends) {
        return "listen: 127.0.0.1:0\npools:\n  p:\n    hash-key: header:X-User\n    backends: [" + String.join(", ", backends)
                + "]\nroutes:\n  - {path: /, pool: p}\n";
    }

    /** Asks the replica which backend answers each key (plain HTTP: the same pool, the same placement). */
    private static Map<String, String> owners(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        Map<String, String> owners = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<?>> jobs = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int first = t;
                jobs.add(pool.submit(() -> {
                    for (int k = first; k < KEYS; k += 8) {
                        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/name"))
                                .header("X-User", "user-" + k).build(), HttpResponse.BodyHandlers.ofString());
                        owners.put("user-" + k, r.headers().firstValue("X-Backend").orElse("?"));
                    }
                    return null;
                }));
            }
            for (Future<?> f : jobs) {
                f.get();
            }
        }
        return owners;
    }
}
