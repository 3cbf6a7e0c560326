package io.switchboard.tunnel;

/**
 * One direction's processing of the bytes read from its leg: {@link TunnelRelay} (tunnel mode,
 * bytes pass through) or {@link TerminateRelay} (terminate mode, messages are decoded and framed
 * again). Called by the thread or loop that read the bytes, one call at a time per direction.
 */
interface Relay {
    /** Handles {@code len} bytes just read (the array is the relay's to modify). */
    void bytes(byte[] b, int len);

    /** Bytes read so far (access log, metrics). */
    long bytesSeen();

    /** Frames completed so far. */
    long framesSeen();

    /** Gives back what the relay borrowed (zlib streams); called once both directions ended. */
    default void release() {
    }
}
