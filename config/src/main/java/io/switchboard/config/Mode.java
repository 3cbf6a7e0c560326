package io.switchboard.config;

import java.util.Locale;

/**
 * How a route handles a WebSocket; YAML key {@code mode}, default {@link #TUNNEL}.
 * ({@code terminate}, where the proxy would parse frames itself, is reserved and rejected by
 * the loader until it exists.)
 */
public enum Mode {
    /** After the upgrade, bytes are copied both ways untouched. */
    TUNNEL;

    /** The YAML spelling, e.g. {@code tunnel}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
