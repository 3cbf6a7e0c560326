package io.switchboard.config;

import java.util.Locale;

/**
 * Who accepts connections on the main listener; YAML key {@code accept}. Default {@link #LOOP}
 * for a plain listener; a {@code tls:} listener is always {@link #HELIDON}.
 */
public enum Accept {
    /**
     * The proxy's event loop accepts, reads each request head and handles WebSocket upgrades
     * itself; everything else goes to Helidon over a loopback connection. Fastest for WebSockets;
     * each plain HTTP connection pays one more loopback hop.
     */
    LOOP,
    /** Helidon accepts every connection and parses every request, WebSocket upgrades included. */
    HELIDON;

    /** The YAML spelling, e.g. {@code loop}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
