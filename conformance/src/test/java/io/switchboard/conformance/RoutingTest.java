package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Route matching: a route's path is a prefix on whole segments and the first matching route in
 * file order wins, for WebSockets and plain HTTP alike.
 */
@Timeout(120)
class RoutingTest {
    private static PythonWsBackend first;
    private static PythonWsBackend second;
    private static HttpTestBackend web;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        first = PythonWsBackend.start("first");
        second = PythonWsBackend.start("second");
        web = HttpTestBackend.start();
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  one:
                    backends: [%s]
                  two:
                    backends: [%s]
                  web:
                    backends: [%s]
                routes:
                  - path: /a/special
                    pool: two
                    mode: tunnel
                  - path: /a
                    pool: one
                    mode: tunnel
                  - path: /b
                    pool: one
                    mode: tunnel
                  - path: /b/special
                    pool: two
                    mode: tunnel
                  - path: /hello
                    pool: web
                """.formatted(first.address(), second.address(), web.address()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (first != null) {
            first.close();
        }
        if (second != null) {
            second.close();
        }
        if (web != null) {
            web.close();
        }
    }

    private static String landedOn(String path) {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws(path))) {
            return ws.request("/name");
        }
    }

    private static int status(String path) {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), path, Map.of())) {
            return up.head().status();
        }
    }

    @Test
    void moreSpecificRouteListedFirstWins() {
        assertThat(landedOn("/a/special")).isEqualTo("second");
        assertThat(landedOn("/a/special/deeper?x=1")).isEqualTo("second");
        assertThat(landedOn("/a")).isEqualTo("first");
        assertThat(landedOn("/a/")).isEqualTo("first");
        assertThat(landedOn("/a/other")).isEqualTo("first");
        assertThat(landedOn("/a/specialty")).as("/a/specialty is not under /a/special").isEqualTo("first");
    }

    @Test
    void generalRouteListedFirstShadowsTheSpecificOne() {
        assertThat(landedOn("/b/special")).isEqualTo("first");
    }

    @Test
    void prefixesMatchWholeSegmentsOnly() {
        assertThat(status("/ab")).isEqualTo(404);
        assertThat(status("/bb/special")).isEqualTo(404);
        assertThat(status("/")).isEqualTo(404);
    }

    @Test
    void requestPathAndQueryReachTheBackendUnchanged() {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/a/x%20y/z?q=1&r=%2F"))) {
            assertThat(ws.request("/path")).isEqualTo("/a/x%20y/z?q=1&r=%2F");
        }
    }

    @Test
    void plainHttpFollowsTheSameRoutes() throws Exception {
        HttpResponse<String> ok = JdkWsClient.HTTP.send(HttpRequest.newBuilder(proxy.http("/hello")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("hello from http-backend");
        HttpResponse<String> none = JdkWsClient.HTTP.send(HttpRequest.newBuilder(proxy.http("/nothing-here")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(404);
    }
}
