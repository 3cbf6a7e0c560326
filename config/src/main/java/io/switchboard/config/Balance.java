package io.switchboard.config;

import java.util.Locale;

/**
 * How a pool picks a backend for a new connection; YAML key {@code balance}, default
 * {@link #CONSISTENT_HASH}.
 */
public enum Balance {
    /** Same hash key, same backend (while it is healthy); the pool's {@code hash-key} applies. */
    CONSISTENT_HASH,
    /** Each backend in turn, in proportion to its weight. */
    ROUND_ROBIN,
    /** The backend with the fewest open connections relative to its weight. */
    LEAST_CONNECTIONS;

    /** The YAML spelling, e.g. {@code consistent-hash}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
