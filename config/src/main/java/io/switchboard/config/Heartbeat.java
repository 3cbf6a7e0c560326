package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The proxy's own heartbeat on one leg of a WebSocket: after {@code interval} without any frame
 * from that peer the proxy sends a Ping, and when no frame at all arrives within {@code timeout}
 * after it, the peer is reaped. YAML: {@code {interval: 20s, timeout: 10s}} or {@code off}.
 *
 * @param interval silence before a ping; {@link Duration#ZERO} means off
 * @param timeout  how long to wait for any frame after a ping; &gt; 0 when on
 */
public record Heartbeat(Duration interval, Duration timeout) {
    /** No heartbeat on this leg. */
    public static final Heartbeat OFF = new Heartbeat(Duration.ZERO, Duration.ZERO);
    /** The default for both legs: ping after 20 s of silence, reap 10 s later. */
    public static final Heartbeat DEFAULT = new Heartbeat(Duration.ofSeconds(20), Duration.ofSeconds(10));

    /** @throws IllegalArgumentException for negative durations, or a zero timeout on an enabled heartbeat */
    public Heartbeat {
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        if (interval.isNegative() || timeout.isNegative()) {
            throw new IllegalArgumentException("heartbeat durations must be >= 0");
        }
        if (!interval.isZero() && timeout.isZero()) {
            throw new IllegalArgumentException("a heartbeat needs a timeout > 0");
        }
    }

    /** True unless {@link #OFF}. */
    public boolean enabled() {
        return !interval.isZero();
    }

    @Override
    public String toString() {
        return enabled() ? "{interval: " + interval.toMillis() + "ms, timeout: " + timeout.toMillis() + "ms}" : "off";
    }
}
