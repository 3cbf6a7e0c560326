package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.switchboard.demo.EchoBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Origin allow-lists, connection limits, readiness and Prometheus metrics through the real main. */
class SecurityAndMetricsTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static EchoBackend echo;

    @BeforeAll
    static void start() {
        echo = EchoBackend.start("e");
    }

    @AfterAll
    static void stop() {
        echo.close();
    }

    private static String config(String extra) {
        return "listen: 127.0.0.1:0\npools:\n  e: {backends: [" + echo.address() + "]}\nroutes:\n"
                + "  - {path: /app, pool: e, origins: [https://app.example.com]}\n  - {path: /, pool: e}\n" + extra;
    }

    private static HttpResponse<String> admin(ProxyProcess proxy, String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void originsOutsideTheAllowListGet403() {
        try (ProxyProcess proxy = ProxyProcess.run(config(""))) {
            try (var evil = RawWsClient.upgrade(proxy.port(), "/app", Map.of("Origin", "https://evil.example"))) {
                assertThat(evil.head().status()).isEqualTo(403);
                assertThat(evil.head().body()).contains("origin");
            }
            try (var good = RawWsClient.upgrade(proxy.port(), "/app", Map.of("Origin", "https://APP.example.com"))) {
                assertThat(good.head().status()).isEqualTo(101);
            }
            try (var script = RawWsClient.upgrade(proxy.port(), "/app", Map.of())) {
                assertThat(script.head().status()).as("no Origin: not a browser").isEqualTo(101);
            }
            try (var other = RawWsClient.upgrade(proxy.port(), "/other", Map.of("Origin", "https://evil.example"))) {
                assertThat(other.head().status()).as("a route without a list").isEqualTo(101);
            }
        }
    }

    @Test
    void perIpAndGlobalLimitsAnswerWithRetryAfterNeverAHang() {
        try (ProxyProcess perIp = ProxyProcess.run(config("limits: {max-connections-per-ip: 3}\n"))) {
            List<RawWsClient.Upgrade> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                open.add(RawWsClient.upgrade(perIp.port(), "/", Map.of()));
                assertThat(open.get(i).head().status()).isEqualTo(101);
            }
            try (var fourth = RawWsClient.upgrade(perIp.port(), "/", Map.of())) {
                assertThat(fourth.head().status()).isEqualTo(429);
                assertThat(fourth.head().header("Retry-After")).isEqualTo("1");
            }
            open.remove(0).close(); // a slot frees once the tunnel ends
            awaitUpgradeStatus(perIp, 101);
            open.forEach(RawWsClient.Upgrade::close);
        }
        try (ProxyProcess global = ProxyProcess.run(config("limits: {max-connections: 2}\n"))) {
            var one = RawWsClient.upgrade(global.port(), "/", Map.of());
            var two = RawWsClient.upgrade(global.port(), "/", Map.of());
            try (var three = RawWsClient.upgrade(global.port(), "/", Map.of())) {
                assertThat(three.head().status()).isEqualTo(503);
                assertThat(three.head().header("Retry-After")).isNotNull();
            }
            one.close();
            two.close();
        }
        try (ProxyProcess rate = ProxyProcess.run(config("limits: {handshakes-per-second: 5}\n"))) {
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                try (var up = RawWsClient.upgrade(rate.port(), "/", Map.of())) {
                    refused += up.head().status() == 429 ? 1 : 0;
                }
            }
            assertThat(refused).as("a burst of 10 within a second, 5 allowed").isGreaterThanOrEqualTo(4);
        }
    }

    private static void awaitUpgradeStatus(ProxyProcess proxy, int status) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try (var up = RawWsClient.upgrade(proxy.port(), "/", Map.of())) {
                if (up.head().status() == status || System.nanoTime() > deadline) {
                    assertThat(up.head().status()).isEqualTo(status);
                    return;
                }
            }
        }
    }

    @Test
    void theAccessLogCanBeJson() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.run(config("log: {format: json}\n"))) {
            try (var up = RawWsClient.upgrade(proxy.port(), "/", Map.of("X-User", "alice"))) {
                up.client().sendClose(1000, "");
                up.client().readFrame();
            }
            HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/name")).build(),
                    HttpResponse.BodyHandlers.ofString());
            String ws = proxy.awaitLine(l -> l.contains("{\"kind\":\"ws\""), java.time.Duration.ofSeconds(5));
            String http = proxy.awaitLine(l -> l.contains("{\"kind\":\"http\""), java.time.Duration.ofSeconds(5));
            assertThat(ws).matches("\\S+Z \\{\"kind\":\"ws\",\"client\":\"127.0.0.1\",.*\"close\":1000,"
                    + "\"closed-by\":\"client\".*}");
            assertThat(http).matches("\\S+Z \\{\"kind\":\"http\",.*\"status\":200,.*}");
        }
    }

    @Test
    void metricsAndReadinessOnTheAdminListener() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.run(config(""))) {
            try (var up = RawWsClient.upgrade(proxy.port(), "/", Map.of())) {
                up.client().sendText("hello");
                assertThat(up.client().readMessage().text()).isEqualTo("hello");
                up.client().sendClose(1000, "");
                assertThat(up.client().readFrame().opcode()).isEqualTo(RawWsClient.CLOSE);
            }
            HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/name")).build(),
                    HttpResponse.BodyHandlers.ofString());
            proxy.awaitLine(l -> l.contains(" ws ") && l.contains("closed-by=client"), java.time.Duration.ofSeconds(5));
            // the counters move just after the response is sent; the access log line comes after them
            proxy.awaitLine(l -> l.contains(" http ") && l.contains("path=/name"), java.time.Duration.ofSeconds(5));
            HttpResponse<String> metrics = admin(proxy, "GET", "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body())
                    .contains("# TYPE switchboard_websocket_upgrades_total counter")
                    .contains("switchboard_websocket_upgrades_total{reason=\"ok\",status=\"101\"} 1.0")
                    .contains("switchboard_websocket_closes_total{closed_by=\"client\",code=\"1000\"} 1.0")
                    .contains("switchboard_http_requests_total{status=\"200\"} 1.0")
                    .contains("switchboard_websocket_age_seconds_bucket")
                    .contains("switchboard_backend_up{backend=\"" + echo.address() + "\",pool=\"e\"} 1.0");
            assertThat(admin(proxy, "GET", "/health/ready").statusCode()).isEqualTo(200);
            // the only backend drained: no pool can take a connection, so readiness goes DOWN
            assertThat(admin(proxy, "POST", "/admin/pools/e/backends/" + echo.address() + "/drain").statusCode()).isEqualTo(202);
            HttpResponse<String> ready = admin(proxy, "GET", "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("no pool has a usable backend");
            assertThat(admin(proxy, "GET", "/health/live").statusCode()).isEqualTo(200);
            assertThat(admin(proxy, "GET", "/metrics").body())
                    .contains("switchboard_backend_up{backend=\"" + echo.address() + "\",pool=\"e\"} 0.0");
        }
    }

    @Test
    void aRotatedTokenFileTakesEffectWithoutARestart() throws Exception {
        java.nio.file.Path token = java.nio.file.Files.createTempFile("switchboard-token", ".txt");
        java.nio.file.Files.writeString(token, "first-token\n");
        try (ProxyProcess proxy = ProxyProcess.run(config("admin: {listen: 127.0.0.1:0, token-file: " + token + "}\n"))) {
            assertThat(withToken(proxy, "first-token")).isEqualTo(200);
            java.nio.file.Files.writeString(token, "the-second-token\n"); // a Secret rotated under the same path
            assertThat(withToken(proxy, "the-second-token")).as("the new token").isEqualTo(200);
            assertThat(withToken(proxy, "first-token")).as("the old one").isEqualTo(401);
        }
    }

    private static int withToken(ProxyProcess proxy, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + "/metrics"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void theAdminApiRefusesWebPages() throws Exception {
        try (ProxyProcess proxy = ProxyProcess.run(config(""))) {
            String drain = "/admin/pools/e/backends/" + echo.address() + "/drain";
            // a page's form POST reaches a loopback listener without a preflight; its Origin gives it away
            assertThat(rawAdmin(proxy, "POST", drain, "127.0.0.1:" + proxy.adminPort(), "Origin: https://evil.example\r\n"))
                    .startsWith("HTTP/1.1 403").contains("web page");
            // a host name rebound to 127.0.0.1 makes the page same-origin: its Host is not loopback
            assertThat(rawAdmin(proxy, "POST", drain, "evil.example:" + proxy.adminPort(), "")).startsWith("HTTP/1.1 403")
                    .contains("not loopback");
            assertThat(rawAdmin(proxy, "GET", "/admin/pools", "evil.example:" + proxy.adminPort(), "")).startsWith("HTTP/1.1 403");
            assertThat(admin(proxy, "GET", "/admin/pools").body()).as("nothing was drained").contains("\"state\":\"up\"");
            assertThat(rawAdmin(proxy, "GET", "/admin/pools", "localhost:" + proxy.adminPort(), "")).startsWith("HTTP/1.1 200");
            assertThat(rawAdmin(proxy, "GET", "/health/ready", "evil.example", "")).as("probes stay open")
                    .startsWith("HTTP/1.1 200");
        }
    }

    /** One request on a raw socket (the JDK's client does not let a test set Host), the response head and body. */
    private static String rawAdmin(ProxyProcess proxy, String method, String path, String host, String extra) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", proxy.adminPort())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\n" + extra
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            java.io.InputStream in = s.getInputStream();
            String head = StubBackend.readHead(in);
            java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
            return head + new String(in.readNBytes(n), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }
}
