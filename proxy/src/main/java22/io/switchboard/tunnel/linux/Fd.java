package io.switchboard.tunnel.linux;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.ClosedChannelException;

/**
 * A file descriptor that is closed only when no call is using it. A descriptor number is reused by
 * the next socket the process opens, so a read racing a close on another thread could otherwise
 * read a stranger's bytes; Java's NIO prevents the same race with its own signalling. Each call is
 * bracketed by {@link #begin()} and {@link #end()}; {@link #close()} marks the descriptor closed
 * and the last call out (or the close itself, when none is in) releases the number.
 */
final class Fd {
    private static final int CLOSED = 1;
    private static final int ONE_CALL = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Fd.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final int value;
    /** Calls in progress times two, plus {@link #CLOSED}. */
    @SuppressWarnings("unused") // through STATE
    private volatile int state;

    Fd(int value) {
        this.value = value;
    }

    /** Starts a call; the descriptor stays open until the matching {@link #end()}. */
    int begin() throws ClosedChannelException {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & CLOSED) != 0) {
                throw new ClosedChannelException(); // never counted in, so nothing to undo
            }
        } while (!STATE.compareAndSet(this, s, s + ONE_CALL));
        return value;
    }

    /** Ends a call; releases the descriptor if it was closed meanwhile and this was the last call. */
    void end() {
        int s = (int) STATE.getAndAdd(this, -ONE_CALL) - ONE_CALL;
        if (s == CLOSED) {
            release();
        }
    }

    boolean isClosed() {
        return ((int) STATE.getVolatile(this) & CLOSED) != 0;
    }

    /** Marks the descriptor closed; releases it now if no call is in progress. Idempotent. */
    void close() throws IOException {
        int s;
        do {
            s = (int) STATE.getVolatile(this);
            if ((s & CLOSED) != 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED));
        if (s == 0) {
            release();
        }
    }

    private void release() {
        Linux.close(value); // a close never fails in a way a caller could act on (EINTR still frees the number on Linux)
    }
}
