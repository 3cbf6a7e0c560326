package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpServer;
import io.switchboard.demo.EchoBackend;
import org.junit.jupiter.api.Test;

/**
 * Active health checks through the real main: a backend whose probe starts failing leaves its
 * pool after {@code fall} probes (its keys go to the others, the admin API says "unhealthy", the
 * metric says 0) and comes back after {@code rise} good ones.
 */
class HealthCheckTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aFailingBackendLeavesThePoolAndComesBack() throws Exception {
        AtomicBoolean healthy = new AtomicBoolean(true);
        HttpServer flaky = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        flaky.createContext("/name", ex -> {
            byte[] body = "b\n".getBytes();
            ex.getResponseHeaders().add("X-Backend", "b");
            ex.sendResponseHeaders(healthy.get() ? 200 : 500, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        flaky.start();
        EchoBackend a = EchoBackend.start("a");
        String b = "127.0.0.1:" + flaky.getAddress().getPort();
        try (ProxyProcess proxy = ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  p:\n    hash-key: header:X-User\n"
                + "    backends: [" + a.address() + ", " + b + "]\n"
                + "    health-check: {path: /name, interval: 100ms, timeout: 1s, rise: 2, fall: 2}\n"
                + "routes:\n  - {path: /, pool: p}\n")) {
            assertThat(backendsSeen(proxy)).containsExactlyInAnyOrder("a", "b");
            healthy.set(false);
            awaitPoolState(proxy, "\"backend\":\"" + b + "\",\"weight\":1,\"state\":\"unhealthy\"");
            assertThat(backendsSeen(proxy)).as("keys of b moved to a").containsExactly("a");
            assertThat(admin(proxy, "/metrics")).contains("switchboard_backend_up{backend=\"" + b + "\",pool=\"p\"} 0.0");
            assertThat(proxy.stderrText()).contains("is DOWN");
            healthy.set(true);
            awaitPoolState(proxy, "\"backend\":\"" + b + "\",\"weight\":1,\"state\":\"up\"");
            assertThat(backendsSeen(proxy)).as("keys return to b").containsExactlyInAnyOrder("a", "b");
            assertThat(proxy.stderrText()).contains("is UP");
        } finally {
            flaky.stop(0);
            a.close();
        }
    }

    private static Set<String> backendsSeen(ProxyProcess proxy) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/name"))
                    .header("X-User", "user-" + i).build(), HttpResponse.BodyHandlers.ofString());
            seen.add(r.headers().firstValue("X-Backend").orElse("?"));
        }
        return seen;
    }

    private static String admin(ProxyProcess proxy, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static void awaitPoolState(ProxyProcess proxy, String fragment) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String pools = admin(proxy, "/admin/pools");
        while (!pools.contains(fragment) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            pools = admin(proxy, "/admin/pools");
        }
        assertThat(pools).contains(fragment);
    }
}
