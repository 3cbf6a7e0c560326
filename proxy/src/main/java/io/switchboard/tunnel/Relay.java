package io.switchboard.tunnel;

/**
 * One direction's processing of the bytes read from its leg: {@link TunnelRelay} (tunnel mode,
 * bytes pass through) or {@link TerminateRelay} (terminate mode, messages are decoded and framed
 * again). Called by the thread or loop that read the bytes, one call at a time per direction.
 */
interface Relay {
    /** Handles {@code len} bytes just read (the array is the relay's to modify). */
    void bytes(byte[] b, int len);

    /**
     * Whether processing stopped part way through the bytes given (output waits to be written);
     * the reader must not give more until {@link #resume()} finishes them. Only a relay writing
     * to a writer that never blocks stops.
     */
    default boolean isPaused() {
        return false;
    }

    /** Goes on with the bytes a pause kept; it may pause again. */
    default void resume() {
    }

    /** Bytes read so far (access log, metrics). */
    long bytesSeen();

    /** Frames completed so far. */
    long framesSeen();

    /** Gives back what the relay borrowed (zlib streams); called once both directions ended. */
    default void release() {
    }
}
