package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DeflateConfigTest {
    private static ProxyConfig parse(String route) throws ConfigException {
        return ConfigLoader.parse("pools:\n  p:\n    backends: [127.0.0.1:1]\nroutes:\n  - path: /\n    pool: p\n"
                + route, "routes.yaml");
    }

    @Test
    void offByDefault() throws ConfigException {
        assertThat(parse("    mode: terminate\n").routes().get(0).deflate()).isEqualTo(DeflateConfig.OFF);
        assertThat(DeflateConfig.OFF.enabled()).isFalse();
    }

    @Test
    void readsEveryKey() throws ConfigException {
        DeflateConfig d = parse("    mode: terminate\n    deflate: {client: on, backend: true, context-takeover: yes, "
                + "level: 9, min-size: 1KiB}\n").routes().get(0).deflate();
        assertThat(d).isEqualTo(new DeflateConfig(true, true, true, 9, 1024));
        assertThat(parse("    mode: terminate\n    deflate: {client: true}\n").routes().get(0).deflate())
                .isEqualTo(new DeflateConfig(true, false, false, 1, 256));
    }

    @Test
    void aTunnelRouteCannotDeflate() {
        assertThatThrownBy(() -> parse("    deflate: {client: true}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.errors()).extracting(ConfigError::path).containsExactly("routes[0].deflate");
                    assertThat(e.getMessage()).contains("routes.yaml:7").contains("mode: terminate");
                });
    }

    @Test
    void mistakesAreNamedWithTheirKey() {
        assertThatThrownBy(() -> parse("    mode: terminate\n    deflate: {client: maybe, level: 0, min-sise: 3}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors()).extracting(ConfigError::path)
                        .containsExactlyInAnyOrder("routes[0].deflate.client", "routes[0].deflate.level",
                                "routes[0].deflate.min-sise"));
    }
}
