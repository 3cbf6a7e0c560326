package io.switchboard.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of {@code routes}: which requests go to which pool. Routes are tried in file order
 * and the first match wins, so specific routes belong above general ones.
 *
 * <p>Matching: {@code host}, when present, must equal the request's host case-insensitively,
 * ignoring the request's {@code :port} and a trailing dot. {@code path} is a prefix on whole
 * segments: {@code /chat} matches {@code /chat}, {@code /chat/} and {@code /chat/x} but not
 * {@code /chatter}; {@code /} matches every path. Path matching is case-sensitive.
 *
 * @param index position in {@code routes}, 0-based (for logs and errors)
 * @param host  exact host to match, or empty for any host
 * @param path  path prefix; starts with {@code /}
 * @param pool  name of the pool serving the route
 * @param mode  WebSocket handling, default {@link Mode#TUNNEL}
 * @param websocket the route's effective WebSocket policy: the top-level {@code websocket} section
 *                  with the route's own {@code websocket} keys applied over it
 * @param origins   allowed {@code Origin} values for WebSocket upgrades (exact, case-insensitive,
 *                  e.g. {@code https://app.example.com}); empty = any origin (the default)
 * @param deflate   permessage-deflate per leg, terminate mode only; default {@link DeflateConfig#OFF}
 */
public record RouteConfig(int index, Optional<String> host, String path, String pool, Mode mode,
                          WebSocketPolicy websocket, List<String> origins, DeflateConfig deflate) {
    /** @throws IllegalArgumentException if index is negative, path lacks its '/' or pool is blank */
    public RouteConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(websocket, "websocket");
        Objects.requireNonNull(deflate, "deflate");
        origins = origins.stream().map(o -> o.toLowerCase(Locale.ROOT)).toList();
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0; got " + index);
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/'; got '" + path + "'");
        }
        if (pool.isBlank()) {
            throw new IllegalArgumentException("pool must not be blank");
        }
    }

    /**
     * Whether a WebSocket upgrade with this {@code Origin} header may use the route (Cross-Site
     * WebSocket Hijacking protection). Requests without an Origin (not from a browser) are allowed:
     * only browsers send one, and only browsers can be tricked into a cross-site upgrade.
     */
    public boolean allowsOrigin(String origin) {
        return origins.isEmpty() || origin == null || origins.contains(origin.trim().toLowerCase(Locale.ROOT));
    }

    /** A route with the default WebSocket policy. */
    public RouteConfig(int index, Optional<String> host, String path, String pool, Mode mode) {
        this(index, host, path, pool, mode, WebSocketPolicy.DEFAULTS, List.of(), DeflateConfig.OFF);
    }

    /**
     * Whether a request belongs to this route.
     *
     * @param requestHost the request's Host (may carry {@code :port}); null or empty only
     *                    matches a route without {@code host}
     * @param requestPath the request path without the query string
     * @return true when both the host and the path match
     */
    public boolean matches(String requestHost, String requestPath) {
        return hostMatches(requestHost) && pathMatches(requestPath);
    }

    private boolean hostMatches(String requestHost) {
        if (host.isEmpty()) {
            return true;
        }
        return requestHost != null && bareHost(host.get()).equalsIgnoreCase(bareHost(requestHost));
    }

    private boolean pathMatches(String requestPath) {
        // Compare without the route's trailing '/', so "/chat/" and "/chat" behave the same and
        // "/" reduces to "" which every path extends.
        String prefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (prefix.isEmpty()) {
            return true;
        }
        return requestPath != null && requestPath.startsWith(prefix)
                && (requestPath.length() == prefix.length() || requestPath.charAt(prefix.length()) == '/');
    }

    /** The host without port, IPv6 brackets or trailing dot, lower-cased. */
    static String bareHost(String h) {
        String s = h.strip();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            s = close < 0 ? s.substring(1) : s.substring(1, close);
        } else if (s.indexOf(':') == s.lastIndexOf(':') && s.indexOf(':') >= 0) {
            // Exactly one colon: name:port. Several colons would be a bare IPv6 literal; keep it.
            s = s.substring(0, s.indexOf(':'));
        }
        if (s.endsWith(".")) {
            s = s.substring(0, s.length() - 1);
        }
        return s.toLowerCase(Locale.ROOT);
    }
}
