package io.switchboard.tunnel;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The output side of one leg of a tunnel. Relayed data bytes, relayed control frames and the
 * proxy's own frames (heartbeat pings, Close frames) share it, so a lock serialises them, and a
 * whole frame only goes out at a frame boundary: a control frame written inside another frame
 * would corrupt the stream (RFC 6455 §5.4). Frames that arrive mid-frame wait in a small queue
 * that the relay flushes as soon as the current frame ends.
 *
 * <p>Once a Close frame has gone out, nothing more is written: an endpoint that sent Close must
 * not send data (§5.5.1), and the other peer's late frames have nowhere to go. A write that fails
 * marks the leg dead and later writes are dropped, because the relay must keep reading the other
 * leg to finish its close handshake (§7.1.2).
 */
abstract class LegWriter {
    private final ReentrantLock lock = new ReentrantLock();
    private ArrayDeque<byte[]> pending;
    private boolean atBoundary = true;
    private byte[] close;          // the Close frame, once one is sent or queued
    private boolean closeOnWire;   // it has been written: drop everything after it
    private volatile boolean dead;
    private volatile long lastProgress = System.nanoTime();
    private Runnable pendingCallback;
    private byte[] callbackFrame;
    private byte[] queuedPong;     // the proxy's own Pong waiting in pending, if any
    // whether frames wait in pending for a frame boundary: read without the lock by the relay
    // after every data frame it passes through (it then ends its write there, see FrameScanner)
    private volatile boolean waiting;

    /**
     * Writes bytes to the socket: blocking (TCP's backpressure reaches the reading thread), or,
     * on an event loop, as far as the socket takes them with the rest kept for later.
     *
     * @return true when every byte reached the socket (progress for the stall check)
     */
    protected abstract boolean writeToSocket(byte[] b, int off, int len) throws IOException;

    /** Bytes kept back earlier have now reached the socket. */
    final void progressed() {
        lastProgress = System.nanoTime();
    }

    /** A deferred write failed: the peer is gone. */
    final void markDead() {
        dead = true;
    }

    /** Whether written bytes wait for the socket: only a writer that never blocks keeps any. */
    boolean hasBacklog() {
        return false;
    }

    /** Whether a write waits for the peer (TCP backpressure reaches the writing thread); an event loop's never does. */
    boolean blocks() {
        return true;
    }

    /** Closes the socket, unblocking any reader of it. Idempotent. */
    abstract void closeSocket();

    /**
     * Relays bytes of a data frame.
     *
     * @param endsFrame whether these bytes end the frame (the stream is then between frames)
     */
    final void relay(byte[] b, int off, int len, boolean endsFrame) {
        lock.lock();
        try {
            if (!closeOnWire) {
                write(b, off, len);
            }
            atBoundary = endsFrame;
            flushPending();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a whole control frame: now when the stream is between frames, otherwise as soon as
     * the current frame ends.
     *
     * @param frame   the frame's wire bytes
     * @param isClose whether it is a Close frame (nothing is written after one)
     * @return false when it was dropped because a Close already went out
     */
    final boolean send(byte[] frame, boolean isClose) {
        return send(frame, isClose, null);
    }

    /**
     * As {@link #send(byte[], boolean)}, running {@code onWritten} (if not null) once the frame has
     * actually been written: a heartbeat counts its timeout from then, not from when it queued.
     */
    final boolean send(byte[] frame, boolean isClose, Runnable onWritten) {
        lock.lock();
        try {
            if (close != null) {
                return false;
            }
            if (isClose) {
                close = frame;
            }
            if (onWritten != null) {
                pendingCallback = onWritten;
                callbackFrame = frame;
            }
            if (atBoundary) {
                emit(frame);
            } else {
                waitForBoundary(frame);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends the proxy's Pong to the peer's latest Ping (terminate mode). While one still waits for
     * a frame boundary it is replaced rather than joined: only the most recent Ping needs an answer
     * (RFC 6455 §5.5.3), so a peer that floods Pings while the other direction streams a long frame
     * queues one Pong, not one per Ping.
     */
    final void sendPong(byte[] frame) {
        lock.lock();
        try {
            if (close != null) {
                return;
            }
            if (atBoundary) {
                emit(frame);
                return;
            }
            if (queuedPong != null) {
                pending.removeFirstOccurrence(queuedPong);
            }
            queuedPong = frame;
            waitForBoundary(frame);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Claims this leg's single Close for {@code frame} without writing it yet (no I/O, never
     * blocks), so no relayed Close can take its place; {@link #flush} writes it.
     *
     * @return false when a Close was already sent or claimed
     */
    final boolean reserveClose(byte[] frame) {
        lock.lock();
        try {
            if (close != null) {
                return false;
            }
            close = frame;
            waitForBoundary(frame);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Writes queued frames now if the stream is between frames (they go at the next boundary otherwise). */
    final void flush() {
        lock.lock();
        try {
            flushPending();
        } finally {
            lock.unlock();
        }
    }

    /** When a write to this leg last completed ({@link System#nanoTime()}): the peer is reading. */
    final long lastProgress() {
        return lastProgress;
    }

    /** Records that a Close went out as relayed data (an illegal, oversized one): nothing more is written. */
    final void closeRelayed() {
        lock.lock();
        try {
            closeOnWire = true;
            if (close == null) {
                close = new byte[0];
            }
        } finally {
            lock.unlock();
        }
    }

    /** True while the stream is inside a frame (a Close sent now would wait for its end). */
    final boolean isMidFrame() {
        lock.lock();
        try {
            return !atBoundary;
        } finally {
            lock.unlock();
        }
    }

    // queued frames are written in order; the Close, if any, is last because nothing is queued after it
    /** Queues {@code frame} to go out when the current frame ends. Lock held. */
    private void waitForBoundary(byte[] frame) {
        if (pending == null) {
            pending = new ArrayDeque<>(2);
        }
        pending.add(frame);
        waiting = true;
    }

    private void flushPending() {
        while (atBoundary && pending != null && !pending.isEmpty()) {
            emit(pending.poll());
        }
        waiting = pending != null && !pending.isEmpty();
    }

    /** Whether frames of the proxy's own (a ping, a Close) wait for the stream's next frame boundary. */
    final boolean isWaitingForBoundary() {
        return waiting;
    }

    private void emit(byte[] frame) {
        if (frame == queuedPong) {
            queuedPong = null;
        }
        write(frame, 0, frame.length);
        closeOnWire |= frame == close;
        if (frame == callbackFrame) {
            Runnable callback = pendingCallback;
            pendingCallback = null;
            callbackFrame = null;
            callback.run();
        }
    }

    private void write(byte[] b, int off, int len) {
        if (dead || len == 0) {
            return;
        }
        try {
            if (writeToSocket(b, off, len)) {
                lastProgress = System.nanoTime();
            }
        } catch (IOException | RuntimeException e) {
            dead = true;
        }
    }

    /** True once a write failed: the peer is gone. */
    final boolean isDead() {
        return dead;
    }
}
