package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Successful loads: defaults, accepted spellings, immutability. */
class ConfigLoaderTest {
    private static final String MINIMAL = """
            pools:
              app:
                backends: [127.0.0.1:9001]
            routes:
              - path: /
                pool: app
            """;

    @Test
    void defaultsApply() throws ConfigException {
        ProxyConfig config = ConfigLoader.parse(MINIMAL, "<test>");
        assertThat(config.source()).isEqualTo("<test>");
        assertThat(config.listen()).isEqualTo(new HostPort("0.0.0.0", 8080));
        PoolConfig app = config.pools().get("app");
        assertThat(app.name()).isEqualTo("app");
        assertThat(app.backends()).containsExactly(new BackendConfig(new HostPort("127.0.0.1", 9001), 1));
        assertThat(app.balance()).isEqualTo(Balance.CONSISTENT_HASH);
        assertThat(app.hashKeys()).containsExactly(HashKey.IP);
        assertThat(app.fallback()).isEqualTo(Fallback.ROUND_ROBIN);
        assertThat(app.boundedLoad()).isZero();
        assertThat(app.attempts()).isEqualTo(3);
        assertThat(app.ejectFor()).isEqualTo(Duration.ofSeconds(10));
        RouteConfig route = config.routes().get(0);
        assertThat(route.index()).isZero();
        assertThat(route.host()).isEmpty();
        assertThat(route.mode()).isEqualTo(Mode.TUNNEL);
        Timeouts t = config.timeouts();
        assertThat(t).isEqualTo(Timeouts.defaults());
        assertThat(t.connect()).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.handshake()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.upstreamHandshake()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.close()).isEqualTo(Duration.ofSeconds(5));
        assertThat(t.httpRead()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void partialTimeoutsKeepOtherDefaults() throws ConfigException {
        ProxyConfig config = ConfigLoader.parse(MINIMAL + "timeouts:\n  close: 0\n  http-read: 24h\n", "<test>");
        assertThat(config.timeouts().close()).isZero();
        assertThat(config.timeouts().httpRead()).isEqualTo(Duration.ofHours(24));
        assertThat(config.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
        assertThat(ConfigLoader.parse(MINIMAL + "timeouts:\n", "<test>").timeouts()).isEqualTo(Timeouts.defaults());
    }

    @Test
    void listenAcceptsPortZeroAndIpv6() throws ConfigException {
        assertThat(ConfigLoader.parse("listen: 127.0.0.1:0\n" + MINIMAL, "<t>").listen().port()).isZero();
        assertThat(ConfigLoader.parse("listen: '[::]:8443'\n" + MINIMAL, "<t>").listen()).hasToString("[::]:8443");
    }

    @Test
    void everyPoolSettingIsRead() throws ConfigException {
        ProxyConfig config = ConfigLoader.parse("""
                pools:
                  p:
                    backends:
                      - {address: 127.0.0.1:1, weight: 1000}
                      - address: localhost:2
                      - "[::1]:3"
                    balance: least-connections
                    hash-key: query:room
                    fallback: ip
                    bounded-load: 2
                    attempts: 100
                    eject-for: 0
                routes:
                  - {path: /a, host: a.example, pool: p, mode: tunnel}
                """, "<t>");
        PoolConfig p = config.pools().get("p");
        assertThat(p.backends()).extracting(BackendConfig::id).containsExactly("127.0.0.1:1", "localhost:2", "[::1]:3");
        assertThat(p.backends()).extracting(BackendConfig::weight).containsExactly(1000, 1, 1);
        assertThat(p.balance()).isEqualTo(Balance.LEAST_CONNECTIONS);
        assertThat(p.hashKeys()).hasToString("[query:room]");
        assertThat(p.fallback()).isEqualTo(Fallback.IP);
        assertThat(p.boundedLoad()).isEqualTo(2.0);
        assertThat(p.attempts()).isEqualTo(100);
        assertThat(p.ejectFor()).isZero();
        assertThat(config.routes().get(0).host()).contains("a.example");
    }

    @Test
    void poolsAndRoutesKeepFileOrderAndAreImmutable() throws ConfigException {
        ProxyConfig config = ConfigLoader.parse("""
                pools:
                  zeta: {backends: [127.0.0.1:1]}
                  alpha: {backends: [127.0.0.1:2]}
                  mid: {backends: [127.0.0.1:3]}
                routes:
                  - {path: /z, pool: zeta}
                  - {path: /a, pool: alpha}
                """, "<t>");
        assertThat(config.pools().keySet()).containsExactly("zeta", "alpha", "mid");
        assertThat(config.routes()).extracting(RouteConfig::index).containsExactly(0, 1);
        assertThatThrownBy(() -> config.pools().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.routes().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> config.pools().get("zeta").backends().clear())
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void byteOrderMarkIsIgnored() throws ConfigException {
        assertThat(ConfigLoader.parse("\uFEFF" + MINIMAL, "<t>").pools()).containsKey("app");
    }

    @Test
    void recordsRejectInvalidValuesToo() {
        HostPort hp = new HostPort("127.0.0.1", 1);
        assertThatThrownBy(() -> new BackendConfig(hp, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BackendConfig(new HostPort("h", 0), 1)).isInstanceOf(IllegalArgumentException.class);
        List<BackendConfig> one = List.of(new BackendConfig(hp, 1));
        assertThatThrownBy(() -> new PoolConfig("p", one, Balance.ROUND_ROBIN, List.of(HashKey.IP), Fallback.IP, 1.0, 3,
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PoolConfig("p", List.of(one.get(0), one.get(0)), Balance.ROUND_ROBIN,
                List.of(HashKey.IP), Fallback.IP, 0, 3, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Timeouts(Duration.ofSeconds(-1), Duration.ZERO, Duration.ZERO, Duration.ZERO,
                Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hashKeyMayBeAListTriedInOrder() throws ConfigException {
        ProxyConfig config = ConfigLoader.parse("""
                pools:
                  p:
                    backends: [127.0.0.1:1]
                    hash-key: [header:X-User, query:user]
                routes:
                  - {path: /, pool: p}
                """, "<t>");
        assertThat(config.pools().get("p").hashKeys()).hasToString("[header:X-User, query:user]");
    }

    @Test
    void badHashKeyInAListNamesItsIndexAndLine() {
        assertThatThrownBy(() -> ConfigLoader.parse("""
                pools:
                  p:
                    backends: [127.0.0.1:1]
                    hash-key:
                      - header:X-User
                      - querry:user
                routes:
                  - {path: /, pool: p}
                """, "keys.yaml"))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> {
                    ConfigError error = ((ConfigException) e).errors().get(0);
                    assertThat(error.path()).isEqualTo("pools.p.hash-key[1]");
                    assertThat(error.line()).isEqualTo(6);
                });
    }
}
