package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code switchboard demo}: the proxy in front of three embedded echo backends, pinned by the
 * {@code user} query parameter on {@code /echo}, with a page on {@code /}.
 */
@Timeout(120)
class DemoTest {
    private static final Set<String> NAMES = Set.of("backend-a", "backend-b", "backend-c");
    private static ProxyProcess demo;

    @BeforeAll
    static void start() {
        demo = ProxyProcess.start("demo", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0");
    }

    @AfterAll
    static void stop() {
        if (demo != null) {
            demo.close();
        }
    }

    @Test
    void printsWhatToTry() {
        String all = String.join("\n", demo.lines());
        assertThat(all).contains("backend-a").contains("backend-b").contains("backend-c").contains("/echo");
    }

    @Test
    void echoesAndPinsAUserToOneBackend() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            try (JdkWsClient ws = JdkWsClient.connect(demo.ws("/echo?user=alice"))) {
                assertThat(ws.request("hello demo " + i)).isEqualTo("hello demo " + i);
                names.add(ws.request("/name"));
            }
        }
        assertThat(names).containsOnly(names.get(0));
        assertThat(NAMES).contains(names.get(0));
    }

    @Test
    void differentUsersUseAllBackends() {
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            try (JdkWsClient ws = JdkWsClient.connect(demo.ws("/echo?user=user" + i))) {
                used.add(ws.request("/name"));
            }
        }
        assertThat(used).isEqualTo(NAMES);
    }

    @Test
    void servesTheHtmlPage() throws Exception {
        HttpResponse<String> r = JdkWsClient.HTTP.send(HttpRequest.newBuilder(demo.http("/")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(r.body().toLowerCase()).contains("<html").contains("websocket");
    }
}
