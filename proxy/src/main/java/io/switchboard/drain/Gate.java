package io.switchboard.drain;

/**
 * The proxy's readiness and admission state, read on every new request. Starts ready and
 * admitting; a process drain first reports not-ready (load balancers stop sending), then, after
 * the drain delay, refuses new upgrades (503 with Retry-After) and asks HTTP clients to close
 * their connections.
 */
public final class Gate {
    private volatile String notReadyReason;
    private volatile boolean refusing;

    /** True while the proxy should receive traffic. */
    public boolean ready() {
        return notReadyReason == null;
    }

    /** Why readiness is DOWN, or null. */
    public String notReadyReason() {
        return notReadyReason;
    }

    /** Reports readiness DOWN with {@code reason}. */
    public void notReady(String reason) {
        notReadyReason = reason;
    }

    /** True once new upgrades are refused. */
    public boolean refusing() {
        return refusing;
    }

    /** Refuses new upgrades from now on. */
    public void refuse() {
        refusing = true;
    }
}
