package io.switchboard.config;

import java.util.Objects;

/**
 * The access log's settings; YAML {@code log}.
 *
 * @param format {@code log.format}: plain text or JSON lines; default {@link LogFormat#PLAIN}
 * @param access {@code log.access}: whether access lines are written at all; default on. Off is
 *               for deployments that log requests elsewhere (the app behind, a mesh): it saves
 *               the line's formatting and writing, about a tenth of the proxy's CPU per WebSocket
 *               handshake. Warnings and lifecycle messages on stderr are not affected.
 */
public record LogConfig(LogFormat format, boolean access) {
    /** Plain lines, written: what a config without {@code log} gets. */
    public static final LogConfig DEFAULT = new LogConfig(LogFormat.PLAIN, true);

    public LogConfig {
        Objects.requireNonNull(format, "format");
    }
}
