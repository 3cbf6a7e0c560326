package io.switchboard.balance;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One open connection counted against a backend, from {@link Pool#acquire} until {@link #close}.
 *
 * <p>{@link #close} is idempotent and thread-safe: only the first call decrements the backend's
 * open count, so a connection torn down from two threads at once is not counted off twice.
 */
public final class Lease implements AutoCloseable {
    private final Backend backend;
    private final AtomicInteger open;
    private final AtomicBoolean closed = new AtomicBoolean();

    Lease(Backend backend, AtomicInteger open) {
        this.backend = backend;
        this.open = open;
        open.incrementAndGet();
    }

    /** The backend this lease counts against. */
    public Backend backend() {
        return backend;
    }

    /** True once {@link #close} has run. */
    public boolean isClosed() {
        return closed.get();
    }

    /** Gives the connection back; later calls do nothing. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            open.decrementAndGet();
        }
    }

    @Override
    public String toString() {
        return "Lease[" + backend.id() + (isClosed() ? ", closed]" : "]");
    }
}
