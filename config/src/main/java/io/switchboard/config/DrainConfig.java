package io.switchboard.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How Switchboard drains: on SIGTERM, on a backend drain from the admin API, and on a reload that
 * removes or moves backends. YAML section {@code drain}; every key optional.
 *
 * @param delay     after SIGTERM, how long new upgrades are still accepted while readiness already
 *                  reports DOWN, so load balancers notice; default 5s
 * @param spread    the window over which open WebSockets are closed, evenly with jitter; default 30s
 * @param deadline  after SIGTERM, when whatever is still open is closed and the process exits;
 *                  default 60s; must exceed delay + spread
 * @param closeCode the Close code clients get: 1012 (service restart, default) or 1001 (going away)
 * @param rebalance on a reload that changes a connection's owner (a backend was added): {@code none}
 *                  leaves it where it is (default), {@code paced} closes it over {@code spread}
 */
public record DrainConfig(Duration delay, Duration spread, Duration deadline, int closeCode, Rebalance rebalance) {
    /** What a reload does to connections whose owner changed. */
    public enum Rebalance {
        NONE, PACED;

        /** The YAML spelling. */
        public String yamlName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** All defaults: delay 5s, spread 30s, deadline 60s, close code 1012, rebalance none. */
    public static final DrainConfig DEFAULTS = new DrainConfig(Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(60), 1012, Rebalance.NONE);

    /** @throws IllegalArgumentException for negative durations, a deadline not after delay + spread, or another code */
    public DrainConfig {
        Objects.requireNonNull(delay, "delay");
        Objects.requireNonNull(spread, "spread");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(rebalance, "rebalance");
        if (delay.isNegative() || spread.isNegative() || deadline.isNegative()) {
            throw new IllegalArgumentException("drain durations must be >= 0");
        }
        if (deadline.compareTo(delay.plus(spread)) <= 0) {
            throw new IllegalArgumentException("drain deadline must be longer than delay + spread");
        }
        if (closeCode != 1012 && closeCode != 1001) {
            throw new IllegalArgumentException("drain close code must be 1012 or 1001; got " + closeCode);
        }
    }
}
