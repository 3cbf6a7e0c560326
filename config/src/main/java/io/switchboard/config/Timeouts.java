package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The proxy's time limits (YAML section {@code timeouts}; every key optional). Zero durations
 * are accepted and passed through; what zero means is up to the consumer.
 *
 * @param connect           TCP connect to a backend; default 2s
 * @param handshake         a client must send its whole HTTP request head within this; default 10s
 * @param upstreamHandshake a backend must answer the WebSocket upgrade within this; default 10s
 * @param close             how long a close handshake is awaited before the socket is closed; default 5s
 * @param httpRead          read timeout for plain HTTP responses from backends; default 5m
 */
public record Timeouts(Duration connect, Duration handshake, Duration upstreamHandshake, Duration close,
                       Duration httpRead) {
    private static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(10),
            Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(5));

    /** @throws IllegalArgumentException if any duration is negative */
    public Timeouts {
        check("connect", connect);
        check("handshake", handshake);
        check("upstreamHandshake", upstreamHandshake);
        check("close", close);
        check("httpRead", httpRead);
    }

    private static void check(String name, Duration d) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0; got " + d);
        }
    }

    /** All defaults: connect 2s, handshake 10s, upstream-handshake 10s, close 5s, http-read 5m. */
    public static Timeouts defaults() {
        return DEFAULTS;
    }
}
