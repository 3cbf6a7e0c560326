package io.switchboard.config;

import java.util.Locale;

/**
 * How a route handles a WebSocket; YAML key {@code mode}, default {@link #TUNNEL}.
 */
public enum Mode {
    /** After the upgrade, frames pass through untouched (boundaries tracked, client masks kept). */
    TUNNEL,
    /**
     * The proxy is a full RFC 6455 endpoint on each leg: it completes each handshake itself,
     * validates every frame, answers pings per leg and re-frames and re-masks what it relays.
     */
    TERMINATE;

    /** The YAML spelling, e.g. {@code tunnel}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
