package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/** Every shipped example must load, so the docs cannot rot. */
class ExamplesTest {
    // Surefire runs with the module directory as working directory.
    private static final Path EXAMPLES = Path.of("examples");

    @Test
    void everyExampleLoads() throws IOException, ConfigException {
        List<Path> files;
        try (Stream<Path> list = Files.list(EXAMPLES)) {
            files = list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).as("yaml files in %s", EXAMPLES.toAbsolutePath()).isNotEmpty();
        for (Path file : files) {
            ProxyConfig config = ConfigLoader.load(file);
            assertThat(config.source()).isEqualTo(file.toString());
            assertThat(config.pools()).isNotEmpty();
            assertThat(config.routes()).isNotEmpty();
        }
    }

    @Test
    void chatExampleHasEveryValue() throws ConfigException {
        ProxyConfig config = ConfigLoader.load(EXAMPLES.resolve("chat.yaml"));
        assertThat(config.listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
        PoolConfig chat = config.pools().get("chat");
        assertThat(chat.backends()).containsExactly(
                new BackendConfig(new HostPort("127.0.0.1", 9001), 1),
                new BackendConfig(new HostPort("127.0.0.1", 9002), 2));
        assertThat(chat.balance()).isEqualTo(Balance.CONSISTENT_HASH);
        assertThat(chat.hashKeys()).containsExactly(new HashKey(HashKey.Source.HEADER, "X-User-Id", 0));
        assertThat(chat.fallback()).isEqualTo(Fallback.ROUND_ROBIN);
        assertThat(chat.boundedLoad()).isEqualTo(1.25);
        assertThat(chat.attempts()).isEqualTo(3);
        assertThat(chat.ejectFor()).isEqualTo(Duration.ofSeconds(10));
        RouteConfig route = config.routes().get(0);
        assertThat(route.host()).contains("chat.example.com");
        assertThat(route.path()).isEqualTo("/chat");
        assertThat(route.mode()).isEqualTo(Mode.TUNNEL);
        assertThat(config.timeouts()).isEqualTo(Timeouts.defaults());
    }

    @Test
    void multiRouteExampleRoutesByHostThenPath() throws ConfigException {
        ProxyConfig config = ConfigLoader.load(EXAMPLES.resolve("multi-route.yaml"));
        assertThat(config.pools().keySet()).containsExactly("rooms", "sessions", "notify", "feeds");
        assertThat(config.route("API.example.com:443", "/rooms/1").pool()).isEqualTo("sessions");
        assertThat(config.route("other.example.com", "/rooms/1").pool()).isEqualTo("rooms");
        assertThat(config.route("other.example.com", "/roomsX").pool()).isEqualTo("sessions");
        assertThat(config.route(null, "/feeds").pool()).isEqualTo("feeds");
        assertThat(config.pools().get("rooms").hashKeys()).hasToString("[path:2]");
        assertThat(config.pools().get("sessions").hashKeys()).hasToString("[cookie:session_id]");
        assertThat(config.pools().get("notify").balance()).isEqualTo(Balance.ROUND_ROBIN);
        assertThat(config.pools().get("feeds").balance()).isEqualTo(Balance.LEAST_CONNECTIONS);
        assertThat(config.timeouts().connect()).isEqualTo(Duration.ofMillis(500));
        assertThat(config.timeouts().handshake()).isEqualTo(Duration.ofSeconds(10));
    }
}
