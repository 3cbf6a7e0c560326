package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

/**
 * A pool named by {@code dns: name:port} follows the name's addresses: the proxy runs with a hosts
 * file of the test's (the JDK's {@code jdk.net.hosts.file}), which the test edits as a headless
 * Service's records would change; added addresses take keys, removed ones are drained.
 */
class DnsDiscoveryTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpServer named(String ip, int port, String name) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(ip, port), 0);
        s.createContext("/name", ex -> {
            byte[] body = (name + "\n").getBytes();
            ex.getResponseHeaders().add("X-Backend", name);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        s.start();
        return s;
    }

    @Test
    void poolsFollowTheirDnsName() throws Exception {
        HttpServer one = named("127.0.0.1", 0, "one");
        int port = one.getAddress().getPort();
        HttpServer two = named("127.0.0.2", port, "two");
        Path hosts = Files.createTempFile("switchboard-hosts", "");
        Files.writeString(hosts, "127.0.0.1 backends.test\n");
        try (ProxyProcess proxy = ProxyProcess.runWithJvmOptions(
                List.of("-Djdk.net.hosts.file=" + hosts, "-Dsun.net.inetaddr.ttl=0"),
                "listen: 127.0.0.1:0\npools:\n  p:\n    dns: backends.test:" + port + "\n    dns-interval: 300ms\n"
                        + "    hash-key: header:X-User\nroutes:\n  - {path: /, pool: p}\n")) {
            assertThat(seen(proxy)).containsExactly("one");
            Files.writeString(hosts, "127.0.0.1 backends.test\n127.0.0.2 backends.test\n");
            awaitSeen(proxy, Set.of("one", "two"));
            Files.writeString(hosts, "127.0.0.2 backends.test\n");
            awaitSeen(proxy, Set.of("two"));
            assertThat(proxy.stderrText()).contains("dns: pool p now has");
        } finally {
            one.stop(0);
            two.stop(0);
        }
    }

    private static void awaitSeen(ProxyProcess proxy, Set<String> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Set<String> seen = seen(proxy);
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            seen = seen(proxy);
        }
        assertThat(seen).isEqualTo(expected);
    }

    private static Set<String> seen(ProxyProcess proxy) throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/name"))
                    .header("X-User", "user-" + i).build(), HttpResponse.BodyHandlers.ofString());
            seen.add(r.headers().firstValue("X-Backend").orElse("status " + r.statusCode()));
        }
        return seen;
    }
}
