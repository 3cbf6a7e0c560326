package io.switchboard.config;

import java.util.Locale;

/**
 * What a consistent-hash pool does when a request lacks its hash key (no such header, cookie,
 * query parameter or path segment); YAML key {@code fallback}, default {@link #ROUND_ROBIN}.
 */
public enum Fallback {
    /** Spread keyless connections over the backends in turn. */
    ROUND_ROBIN,
    /** Hash the client IP instead, so a keyless client still sticks to one backend. */
    IP;

    /** The YAML spelling, e.g. {@code round-robin}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
