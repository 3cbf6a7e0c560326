package io.switchboard.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole, validated configuration: what the proxy listens on, its pools and routes, and its
 * timeouts. Produced by {@link ConfigLoader}; immutable.
 *
 * @param source   where it came from, for messages: the file path as given, or e.g. {@code <demo>}
 * @param listen   address to accept clients on; YAML default {@code 0.0.0.0:8080}, port 0 = any free port
 * @param pools    pools by name, in file order (unmodifiable)
 * @param routes   routes in file order, at least one (unmodifiable)
 * @param timeouts time limits
 * @param websocket the top-level WebSocket policy (each route carries its effective copy)
 * @param admin    the admin listener (health, metrics, admin API); default {@code 127.0.0.1:9901}
 * @param drain    drain and rebalance settings
 * @param limits   admission limits for WebSocket upgrades
 * @param log      the access log's format and whether it is written (YAML {@code log})
 * @param tls      TLS termination on the main listener, or empty for plain HTTP (the default)
 * @param accept   who accepts on the main listener: the event loop (default, plain listeners only) or Helidon
 * @param loopIo   the event loop's sockets: Linux system calls where they can be (default) or Java's NIO
 */
public record ProxyConfig(String source, HostPort listen, Map<String, PoolConfig> pools, List<RouteConfig> routes,
                          Timeouts timeouts, WebSocketPolicy websocket, AdminConfig admin, DrainConfig drain,
                          Limits limits, LogConfig log, java.util.Optional<TlsFiles> tls, Accept accept,
                          LoopIo loopIo) {

    /** This config with {@code pools} in place of its pools (a DNS change of a pool's backends). */
    public ProxyConfig withPools(Map<String, PoolConfig> pools) {
        return new ProxyConfig(source, listen, pools, routes, timeouts, websocket, admin, drain, limits, log, tls, accept, loopIo);
    }

    /** {@code listen} when the YAML gives none. */
    public static final HostPort DEFAULT_LISTEN = new HostPort("0.0.0.0", 8080);

    /**
     * @throws IllegalArgumentException if there are no pools or routes, a map key differs from its
     *                                  pool's name, or a route names a missing pool
     */
    public ProxyConfig {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(websocket, "websocket");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(drain, "drain");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(accept, "accept");
        Objects.requireNonNull(loopIo, "loopIo");
        if (accept == Accept.LOOP && tls.isPresent()) {
            throw new IllegalArgumentException("accept: loop needs a plain listener; with tls Helidon accepts");
        }
        // LinkedHashMap keeps file order, which logs and status pages show.
        pools = Collections.unmodifiableMap(new LinkedHashMap<>(pools));
        routes = List.copyOf(routes);
        if (pools.isEmpty() || routes.isEmpty()) {
            throw new IllegalArgumentException("a config needs at least one pool and one route");
        }
        pools.forEach((name, pool) -> {
            if (!name.equals(pool.name())) {
                throw new IllegalArgumentException("pool '" + pool.name() + "' is stored under '" + name + "'");
            }
        });
        for (RouteConfig r : routes) {
            if (!pools.containsKey(r.pool())) {
                throw new IllegalArgumentException("route " + r.index() + " names missing pool '" + r.pool() + "'");
            }
        }
    }

    /** A config with the default WebSocket policy. */
    public ProxyConfig(String source, HostPort listen, Map<String, PoolConfig> pools, List<RouteConfig> routes,
                       Timeouts timeouts) {
        this(source, listen, pools, routes, timeouts, WebSocketPolicy.DEFAULTS, AdminConfig.DEFAULT, DrainConfig.DEFAULTS,
                Limits.NONE, LogConfig.DEFAULT, java.util.Optional.empty(), Accept.LOOP, LoopIo.NATIVE);
    }

    /**
     * The first route, in file order, that matches the request.
     *
     * @param host the request's Host header (port allowed), may be null
     * @param path the request path without query
     * @return the route, or null when none matches
     */
    public RouteConfig route(String host, String path) {
        for (RouteConfig r : routes) {
            if (r.matches(host, path)) {
                return r;
            }
        }
        return null;
    }
}
