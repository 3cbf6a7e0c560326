package io.switchboard.balance;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live state of one backend inside a {@link Pool}: open leases, ejection, drain flag.
 * Fields are atomics or volatiles so readers never lock; a reader may see a state a moment
 * old, which is harmless for balancing.
 */
final class BackendState {
    final Backend backend;
    /** Position in the pool's backend list; used by the round-robin schedule. */
    final int index;
    /** The id's UTF-8 bytes, hashed on every consistent-hash lookup; encoded once here. */
    final byte[] idUtf8;
    /** Open leases; shared with this backend's state in the pool it replaced (see {@link #continuing}). */
    final AtomicInteger open;
    private volatile long ejectedAt;
    private volatile boolean ejected;
    private volatile boolean drained;
    private volatile boolean unhealthy;

    BackendState(Backend backend, int index) {
        this(backend, index, new AtomicInteger());
    }

    private BackendState(Backend backend, int index, AtomicInteger open) {
        this.backend = backend;
        this.index = index;
        this.idUtf8 = backend.id().getBytes(StandardCharsets.UTF_8);
        this.open = open;
    }

    /**
     * The same backend in a rebuilt pool (a reload or a DNS change changed the pool): it keeps
     * counting the leases still open on the old state, and keeps its ejection, drain and health,
     * so the new pool balances against the connections that are really there.
     */
    BackendState continuing(Backend backend, int index) {
        BackendState next = new BackendState(backend, index, open);
        next.ejectedAt = ejectedAt;
        next.ejected = ejected;
        next.drained = drained;
        next.unhealthy = unhealthy;
        return next;
    }

    void eject(long now) {
        ejectedAt = now; // written before the flag, so a reader that sees the flag sees the time
        ejected = true;
    }

    void clearEjection() {
        ejected = false;
    }

    /** Nanosecond times are compared by difference, which stays correct across wrap-around. */
    boolean isEjected(long now, long ejectForNanos) {
        return ejected && now - ejectedAt < ejectForNanos;
    }

    boolean isUnhealthy() {
        return unhealthy;
    }

    void setUnhealthy(boolean unhealthy) {
        this.unhealthy = unhealthy;
    }

    boolean isDrained() {
        return drained;
    }

    void setDrained(boolean drained) {
        this.drained = drained;
    }
}
