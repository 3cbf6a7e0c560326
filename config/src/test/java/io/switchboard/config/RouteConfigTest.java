package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class RouteConfigTest {
    private static RouteConfig route(String host, String path) {
        return new RouteConfig(0, Optional.ofNullable(host), path, "p", Mode.TUNNEL);
    }

    @Test
    void pathMatchesWholeSegments() {
        RouteConfig chat = route(null, "/chat");
        assertThat(chat.matches("h", "/chat")).isTrue();
        assertThat(chat.matches("h", "/chat/")).isTrue();
        assertThat(chat.matches("h", "/chat/x/y")).isTrue();
        assertThat(chat.matches("h", "/chatter")).isFalse();
        assertThat(chat.matches("h", "/")).isFalse();
        assertThat(chat.matches("h", "/Chat")).isFalse();
        assertThat(chat.matches("h", "/other/chat")).isFalse();
    }

    @Test
    void trailingSlashInRouteIsTheSamePrefix() {
        RouteConfig chat = route(null, "/chat/");
        assertThat(chat.matches("h", "/chat")).isTrue();
        assertThat(chat.matches("h", "/chat/x")).isTrue();
        assertThat(chat.matches("h", "/chatter")).isFalse();
    }

    @Test
    void rootMatchesEverything() {
        RouteConfig root = route(null, "/");
        assertThat(root.matches("h", "/")).isTrue();
        assertThat(root.matches("h", "/anything/at/all")).isTrue();
        assertThat(root.matches(null, "/x")).isTrue();
    }

    @Test
    void hostIsExactCaseInsensitiveAndIgnoresPort() {
        RouteConfig r = route("chat.example.com", "/");
        assertThat(r.matches("chat.example.com", "/")).isTrue();
        assertThat(r.matches("CHAT.Example.com", "/")).isTrue();
        assertThat(r.matches("chat.example.com:8443", "/")).isTrue();
        assertThat(r.matches("chat.example.com.", "/")).isTrue();
        assertThat(r.matches("www.chat.example.com", "/")).isFalse();
        assertThat(r.matches("example.com", "/")).isFalse();
        assertThat(r.matches(null, "/")).isFalse();
        assertThat(r.matches("", "/")).isFalse();
    }

    @Test
    void ipv6Hosts() {
        RouteConfig r = route("[::1]", "/");
        assertThat(r.matches("[::1]:8080", "/")).isTrue();
        assertThat(r.matches("[::1]", "/")).isTrue();
        assertThat(r.matches("[::2]:8080", "/")).isFalse();
    }

    @Test
    void bothMustMatch() {
        RouteConfig r = route("a.example", "/x");
        assertThat(r.matches("a.example", "/y")).isFalse();
        assertThat(r.matches("b.example", "/x")).isFalse();
        assertThat(r.matches("a.example", "/x/1")).isTrue();
    }

    @Test
    void firstMatchingRouteWins() {
        PoolConfig pool = new PoolConfig("p", List.of(new BackendConfig(new HostPort("127.0.0.1", 1), 1)),
                Balance.ROUND_ROBIN, List.of(HashKey.IP), Fallback.ROUND_ROBIN, 0, 3, PoolConfig.DEFAULT_EJECT_FOR);
        List<RouteConfig> routes = List.of(
                new RouteConfig(0, Optional.of("a.example"), "/", "p", Mode.TUNNEL),
                new RouteConfig(1, Optional.empty(), "/chat", "p", Mode.TUNNEL),
                new RouteConfig(2, Optional.empty(), "/", "p", Mode.TUNNEL));
        ProxyConfig config = new ProxyConfig("<test>", ProxyConfig.DEFAULT_LISTEN, Map.of("p", pool), routes,
                Timeouts.defaults());
        assertThat(config.route("a.example", "/chat").index()).isZero();
        assertThat(config.route("b.example", "/chat/1").index()).isEqualTo(1);
        assertThat(config.route("b.example", "/chatter").index()).isEqualTo(2);

        ProxyConfig narrow = new ProxyConfig("<test>", ProxyConfig.DEFAULT_LISTEN, Map.of("p", pool),
                routes.subList(1, 2), Timeouts.defaults());
        assertThat(narrow.route("b.example", "/other")).isNull();
    }
}
