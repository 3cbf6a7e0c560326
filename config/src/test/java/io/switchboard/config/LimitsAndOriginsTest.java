package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LimitsAndOriginsTest {
    private static ProxyConfig parse(String route, String extra) throws ConfigException {
        return ConfigLoader.parse("pools:\n  p:\n    backends: [127.0.0.1:1]\nroutes:\n  - path: /\n    pool: p\n"
                + route + extra, "<t>");
    }

    @Test
    void limitsDefaultToNoneAndReadEveryKey() throws ConfigException {
        assertThat(parse("", "").limits()).isEqualTo(Limits.NONE);
        assertThat(parse("", "limits: {max-connections: 10000, max-connections-per-ip: 50, handshakes-per-second: 20}\n")
                .limits()).isEqualTo(new Limits(10000, 50, 20, Limits.DEFAULT_MAX_HEADER_SIZE));
        assertThat(parse("", "limits: {max-header-size: 8KiB}\n").limits().maxHeaderSize()).isEqualTo(8192);
    }

    @Test
    void originsAllowListMatchesExactlyIgnoringCase() throws ConfigException {
        RouteConfig r = parse("    origins: [https://App.example.com, http://localhost:3000]\n", "").routes().get(0);
        assertThat(r.allowsOrigin("https://app.example.com")).isTrue();
        assertThat(r.allowsOrigin("http://localhost:3000")).isTrue();
        assertThat(r.allowsOrigin("https://evil.example")).isFalse();
        assertThat(r.allowsOrigin("https://app.example.com.evil.example")).isFalse();
        assertThat(r.allowsOrigin(null)).as("non-browser clients send no Origin").isTrue();
        assertThat(parse("", "").routes().get(0).allowsOrigin("https://anything")).isTrue();
    }

    @Test
    void badOriginsAndLimitsAreReported() {
        assertThatThrownBy(() -> parse("    origins: [app.example.com, https://x.example/path]\n", "limits: {max-connections: -1}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::path)
                        .containsExactly("routes[0].origins[0]", "routes[0].origins[1]", "limits.max-connections"));
    }

    @Test
    void healthChecksReadEveryKeyAndReportMistakes() throws ConfigException {
        ProxyConfig c = ConfigLoader.parse("pools:\n  p:\n    backends: [127.0.0.1:1]\n"
                + "    health-check: {path: /ws, websocket: true, interval: 1s, timeout: 500ms, rise: 1, fall: 4}\n"
                + "routes:\n  - {path: /, pool: p}\n", "<t>");
        assertThat(c.pools().get("p").healthCheck()).contains(new HealthCheck("/ws", true, java.time.Duration.ofSeconds(1),
                java.time.Duration.ofMillis(500), 1, 4));
        assertThatThrownBy(() -> ConfigLoader.parse("pools:\n  p:\n    backends: [127.0.0.1:1]\n"
                + "    health-check: {path: healthz, falls: 2}\nroutes:\n  - {path: /, pool: p}\n", "<t>"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("pools.p.health-check.falls", "pools.p.health-check.path"));
    }
}
