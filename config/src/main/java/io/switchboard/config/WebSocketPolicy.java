package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the proxy looks after an established WebSocket: heartbeats per leg, idle and lifetime
 * limits, and size limits. YAML section {@code websocket} at the top level (defaults for every
 * route) and inside a route (overrides, key by key; a route's {@code heartbeat} overrides per leg).
 *
 * @param downstream     heartbeat toward the client; default {@link Heartbeat#DEFAULT}
 * @param upstream       heartbeat toward the backend; default {@link Heartbeat#DEFAULT}
 * @param idle           no data frame either way for this long closes both legs with 1001
 *                       (pings and pongs do not count); zero = off (default)
 * @param maxLifetime    connections older than this (± jitter) are closed with 1001; zero = off (default)
 * @param lifetimeJitter fraction 0..0.5 by which each connection's lifetime is randomly shortened or
 *                       lengthened so reconnects spread out; default 0.1 (YAML {@code 10%})
 * @param maxFrameSize   a client frame larger than this is refused before its payload is read
 *                       (1009 to the client, 1001 to the backend); zero = off (default)
 * @param maxMessageSize a client message (sum of its fragments) larger than this is refused the
 *                       same way; zero = off (default)
 */
public record WebSocketPolicy(Heartbeat downstream, Heartbeat upstream, Duration idle, Duration maxLifetime,
                              double lifetimeJitter, long maxFrameSize, long maxMessageSize) {
    /** Heartbeats 20s/10s on both legs, no idle, lifetime or size limits, jitter 10%. */
    public static final WebSocketPolicy DEFAULTS = new WebSocketPolicy(Heartbeat.DEFAULT, Heartbeat.DEFAULT,
            Duration.ZERO, Duration.ZERO, 0.1, 0, 0);
    /** Largest accepted {@code lifetime-jitter}. */
    public static final double MAX_JITTER = 0.5;

    /** @throws IllegalArgumentException for negative values or a jitter above {@link #MAX_JITTER} */
    public WebSocketPolicy {
        Objects.requireNonNull(downstream, "downstream");
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(idle, "idle");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (idle.isNegative() || maxLifetime.isNegative() || maxFrameSize < 0 || maxMessageSize < 0) {
            throw new IllegalArgumentException("websocket limits must be >= 0");
        }
        if (!(lifetimeJitter >= 0 && lifetimeJitter <= MAX_JITTER)) {
            throw new IllegalArgumentException("lifetimeJitter must be 0.." + MAX_JITTER + "; got " + lifetimeJitter);
        }
    }
}
