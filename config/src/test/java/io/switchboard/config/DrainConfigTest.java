package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DrainConfigTest {
    private static ProxyConfig parse(String extra) throws ConfigException {
        return ConfigLoader.parse("pools:\n  p:\n    backends: [127.0.0.1:1]\nroutes:\n  - {path: /, pool: p}\n" + extra, "<t>");
    }

    @Test
    void defaults() throws ConfigException {
        ProxyConfig c = parse("");
        assertThat(c.drain()).isEqualTo(DrainConfig.DEFAULTS);
        assertThat(c.admin()).isEqualTo(AdminConfig.DEFAULT);
    }

    @Test
    void everyKey() throws ConfigException {
        ProxyConfig c = parse("admin: {listen: 127.0.0.1:0}\ndrain: {delay: 1s, spread: 5s, deadline: 20s, close-code: 1001, rebalance: paced}\n");
        assertThat(c.admin().listen()).isEqualTo(new HostPort("127.0.0.1", 0));
        assertThat(c.drain()).isEqualTo(new DrainConfig(Duration.ofSeconds(1), Duration.ofSeconds(5),
                Duration.ofSeconds(20), 1001, DrainConfig.Rebalance.PACED));
    }

    @Test
    void anExposedAdminListenerNeedsAToken() throws ConfigException {
        assertThatThrownBy(() -> parse("admin: {listen: 0.0.0.0:9901}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path).containsExactly("admin.listen"));
        assertThat(parse("admin: {listen: 0.0.0.0:9901, token-env: ADMIN_TOKEN}\n").admin().tokenEnv()).contains("ADMIN_TOKEN");
    }

    @Test
    void badValuesAreReportedWithTheirPaths() {
        assertThatThrownBy(() -> parse("drain:\n  close-code: 1000\n  rebalance: sometimes\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path).containsExactly("drain.close-code", "drain.rebalance"));
        assertThatThrownBy(() -> parse("drain:\n  spread: 50s\n  deadline: 40s\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path).containsExactly("drain.deadline"));
    }
}
