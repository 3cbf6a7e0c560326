package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A pool's active health check (YAML {@code pools.NAME.health-check}): every {@code interval} each
 * backend is probed, with an HTTP {@code GET path} that must answer 2xx or, with
 * {@code websocket: true}, a WebSocket handshake on {@code path} that must answer 101. A backend
 * goes down after {@code fall} failed probes in a row and up again after {@code rise} good ones.
 *
 * @param path      what to probe; required
 * @param websocket probe with a WebSocket handshake instead of a GET; default false
 * @param interval  time between probes; default 5s
 * @param timeout   connect + answer budget of one probe; default 2s
 * @param rise      good probes in a row to go up; default 2
 * @param fall      failed probes in a row to go down; default 3
 */
public record HealthCheck(String path, boolean websocket, Duration interval, Duration timeout, int rise, int fall) {
    public HealthCheck {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (!path.startsWith("/") || interval.isZero() || interval.isNegative() || timeout.isZero() || timeout.isNegative()
                || rise < 1 || fall < 1) {
            throw new IllegalArgumentException("invalid health check");
        }
    }
}
