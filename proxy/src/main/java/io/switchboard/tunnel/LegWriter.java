package io.switchboard.tunnel;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The output side of one leg of a tunnel. Relay bytes and proxy-originated control frames share
 * it, so a lock serialises them and injected frames wait for a frame boundary: a control frame
 * written inside another frame would corrupt the stream (RFC 6455 §5.4).
 *
 * <p>A write that fails marks the leg dead and is not retried; later writes are dropped, because
 * the relay must keep reading the other leg to finish its close handshake (§7.1.2).
 */
abstract class LegWriter {
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>(0);
    private boolean atBoundary = true;
    private volatile boolean dead;

    /** Writes bytes to the socket; blocking, so TCP's backpressure reaches the reader. */
    protected abstract void writeToSocket(byte[] b, int off, int len) throws IOException;

    /** Closes the socket, unblocking any reader of it. Idempotent. */
    abstract void closeSocket();

    /**
     * Relays bytes that the direction's scanner has consumed.
     *
     * @param endsAtBoundary whether the stream is between frames after these bytes
     */
    final void relay(byte[] b, int off, int len, boolean endsAtBoundary) {
        lock.lock();
        try {
            write(b, off, len);
            atBoundary = endsAtBoundary;
            while (atBoundary && !pending.isEmpty()) {
                byte[] frame = pending.poll();
                write(frame, 0, frame.length);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a complete control frame of the proxy's own at the next frame boundary.
     *
     * @param frame a whole frame
     * @param waitForBoundary when false and the stream is inside a frame, the frame is dropped
     *        (used when the relay feeding this leg has ended and no boundary will come)
     * @return true when written now or queued
     */
    final boolean inject(byte[] frame, boolean waitForBoundary) {
        lock.lock();
        try {
            if (atBoundary) {
                write(frame, 0, frame.length);
                return !dead;
            }
            if (waitForBoundary) {
                pending.add(frame);
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) {
        if (dead || len == 0) {
            return;
        }
        try {
            writeToSocket(b, off, len);
        } catch (IOException | RuntimeException e) {
            dead = true;
        }
    }

    /** True once a write failed: the peer is gone. */
    final boolean isDead() {
        return dead;
    }
}
