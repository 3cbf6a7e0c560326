package io.switchboard.config;

/**
 * Admission limits for WebSocket upgrades (YAML section {@code limits}; every key optional, 0 = no
 * limit). Over a limit the client gets an HTTP error with {@code Retry-After}, never a hang:
 * 503 for the global limit (this instance is full: try another), 429 for the per-IP ones.
 *
 * @param maxConnections       open WebSockets through this instance; default 0 (no limit)
 * @param maxConnectionsPerIp  open WebSockets per client IP; default 0 (no limit)
 * @param handshakesPerSecond  upgrade attempts per client IP per second; default 0 (no limit)
 */
public record Limits(int maxConnections, int maxConnectionsPerIp, int handshakesPerSecond) {
    /** No limits. */
    public static final Limits NONE = new Limits(0, 0, 0);

    /** @throws IllegalArgumentException for negative values */
    public Limits {
        if (maxConnections < 0 || maxConnectionsPerIp < 0 || handshakesPerSecond < 0) {
            throw new IllegalArgumentException("limits must be >= 0");
        }
    }
}
