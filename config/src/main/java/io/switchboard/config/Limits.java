package io.switchboard.config;

/**
 * Admission limits for WebSocket upgrades (YAML section {@code limits}; every key optional, 0 = no
 * limit). Over a limit the client gets an HTTP error with {@code Retry-After}, never a hang:
 * 503 for the global limit (this instance is full: try another), 429 for the per-IP ones.
 *
 * @param maxConnections       open WebSockets through this instance; default 0 (no limit)
 * @param maxConnectionsPerIp  open WebSockets per client IP; default 0 (no limit)
 * @param handshakesPerSecond  upgrade attempts per client IP per second; default 0 (no limit)
 * @param maxHeaderSize        largest request head (request line + headers) a client may send;
 *                             larger ones get 400 or 431; default 16 KiB (see also {@link #maxRequestLine})
 */
public record Limits(int maxConnections, int maxConnectionsPerIp, int handshakesPerSecond, int maxHeaderSize) {
    /** The default {@code max-header-size}. */
    public static final int DEFAULT_MAX_HEADER_SIZE = 16 * 1024;
    /** No limits (and the default header size). */
    public static final Limits NONE = new Limits(0, 0, 0, DEFAULT_MAX_HEADER_SIZE);

    /** @throws IllegalArgumentException for negative values */
    public Limits {
        if (maxConnections < 0 || maxConnectionsPerIp < 0 || handshakesPerSecond < 0 || maxHeaderSize < 1024) {
            throw new IllegalArgumentException("limits must be >= 0");
        }
    }

    /**
     * The longest request line a client may send: {@code max-header-size} or 8 KiB, whichever is
     * smaller (a longer one gets 414 or 400). Both acceptors apply it, Helidon's and the loop's.
     */
    public int maxRequestLine() {
        return Math.min(maxHeaderSize, 8192);
    }
}
