package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class WebSocketPolicyTest {
    private static ProxyConfig parse(String websocket, String routeExtra) throws ConfigException {
        return ConfigLoader.parse("pools:\n  p:\n    backends: [127.0.0.1:1]\n" + websocket
                + "routes:\n  - path: /a\n    pool: p\n" + routeExtra + "  - path: /\n    pool: p\n", "<t>");
    }

    @Test
    void defaultsApplyWhenNothingIsSaid() throws ConfigException {
        ProxyConfig c = parse("", "");
        assertThat(c.websocket()).isEqualTo(WebSocketPolicy.DEFAULTS);
        assertThat(c.routes().get(0).websocket().downstream()).isEqualTo(Heartbeat.DEFAULT);
    }

    @Test
    void aRoutesSharedHeartbeatKeysReplaceThoseKeysOfEachLegsOwnSettings() throws ConfigException {
        ProxyConfig c = parse("""
                websocket:
                  heartbeat:
                    downstream: {interval: 5s, timeout: 2s}
                    upstream: {interval: 60s, timeout: 30s}
                """, """
                    websocket:
                      heartbeat: {timeout: 3s}
                """);
        WebSocketPolicy route = c.routes().get(0).websocket();
        assertThat(route.downstream()).isEqualTo(new Heartbeat(Duration.ofSeconds(5), Duration.ofSeconds(3)));
        assertThat(route.upstream()).as("the backend leg keeps its own interval")
                .isEqualTo(new Heartbeat(Duration.ofSeconds(60), Duration.ofSeconds(3)));
    }

    @Test
    void topLevelSetsEveryRouteAndARouteOverridesKeyByKey() throws ConfigException {
        ProxyConfig c = parse("""
                websocket:
                  heartbeat: {interval: 5s, timeout: 2s}
                  idle: 10m
                  max-lifetime: 24h
                  lifetime-jitter: 20%
                  max-frame-size: 1MiB
                  max-message-size: 16MiB
                """, """
                    websocket:
                      heartbeat: {upstream: off}
                      idle: 1m
                """);
        WebSocketPolicy top = c.websocket();
        assertThat(top.downstream()).isEqualTo(new Heartbeat(Duration.ofSeconds(5), Duration.ofSeconds(2)));
        assertThat(top.upstream()).isEqualTo(top.downstream());
        assertThat(top.maxLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(top.lifetimeJitter()).isEqualTo(0.2);
        assertThat(top.maxFrameSize()).isEqualTo(1 << 20);
        assertThat(top.maxMessageSize()).isEqualTo(16 << 20);
        WebSocketPolicy route = c.routes().get(0).websocket();
        assertThat(route.downstream()).isEqualTo(top.downstream());
        assertThat(route.upstream()).isEqualTo(Heartbeat.OFF);
        assertThat(route.idle()).isEqualTo(Duration.ofMinutes(1));
        assertThat(route.maxLifetime()).isEqualTo(Duration.ofHours(24));
        assertThat(c.routes().get(1).websocket()).isEqualTo(top);
    }

    @Test
    void heartbeatOffTurnsBothLegsOff() throws ConfigException {
        WebSocketPolicy p = parse("websocket:\n  heartbeat: off\n", "").websocket();
        assertThat(p.downstream().enabled()).isFalse();
        assertThat(p.upstream().enabled()).isFalse();
    }

    @Test
    void perLegSettings() throws ConfigException {
        WebSocketPolicy p = parse("websocket:\n  heartbeat:\n    downstream: {interval: 100ms, timeout: 50ms}\n"
                + "    upstream: off\n", "").websocket();
        assertThat(p.downstream()).isEqualTo(new Heartbeat(Duration.ofMillis(100), Duration.ofMillis(50)));
        assertThat(p.upstream()).isEqualTo(Heartbeat.OFF);
    }

    @Test
    void badValuesNameTheirPathAndLine() {
        assertThatThrownBy(() -> parse("""
                websocket:
                  heartbeat: {intervall: 5s}
                  lifetime-jitter: 80%
                  max-frame-size: lots
                """, "    websocket: {idel: 1m}\n"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::path, ConfigError::line)
                        .containsExactly(
                                org.assertj.core.groups.Tuple.tuple("websocket.heartbeat.intervall", 5),
                                org.assertj.core.groups.Tuple.tuple("websocket.lifetime-jitter", 6),
                                org.assertj.core.groups.Tuple.tuple("websocket.max-frame-size", 7),
                                org.assertj.core.groups.Tuple.tuple("routes[0].websocket.idel", 11)));
    }
}
