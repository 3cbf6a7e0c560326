package io.switchboard.drain;

/**
 * Something open that a drain can end gracefully: a WebSocket tunnel (Close frames on both legs)
 * or a streaming HTTP response (ended with its last chunk).
 */
public interface Drainable {
    /** True for a WebSocket, false for a streaming HTTP response. */
    boolean webSocket();

    /** The pool it was routed to. */
    String pool();

    /** The backend it is connected to, as {@code host:port}. */
    String backend();

    /** The sticky key it was placed by, or null. */
    String stickyKey();

    /**
     * Ends it gracefully: a WebSocket client gets Close {@code code} with {@code reason} at a frame
     * boundary and the backend gets 1001; the close handshake is awaited up to the close timeout.
     * Returns at once; idempotent.
     */
    void drain(int code, String reason);

    /** Ends it now, without waiting for anything (used at the drain deadline). */
    void abort();
}
