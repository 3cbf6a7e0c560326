package io.switchboard.tunnel;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.switchboard.balance.Backend;
import io.switchboard.balance.Lease;
import io.switchboard.balance.Pool;
import io.switchboard.config.HostPort;
import io.switchboard.config.Timeouts;
import io.switchboard.route.RouteTarget;

/**
 * The bookkeeping of one dial, shared by the blocking {@link UpstreamDialer} and the event loop's
 * {@link LoopDialer}: which backends to try (the sticky key's owner first, up to the pool's
 * {@code attempts}), what each failure was, how the pool hears about connect results (passive
 * health), and the status the client gets when none accepted: 503 when the pool has no usable
 * backend, 504 when every backend tried accepted TCP but never answered the upgrade, else 502.
 * Not thread-safe: one dial runs on one thread at a time.
 *
 * <p>The backend being tried is counted as open (a {@link Lease}) from the moment the plan picks
 * it, not from its 101: in a reconnect storm a thousand upgrades are in flight at once, and
 * least-connections and bounded load must see each other's choices, or they all pick the same
 * least-loaded backend. The lease passes to the tunnel on a 101 ({@link #acquire}) and is given
 * back when the attempt fails, the backend refuses ({@link #release}), or the plan runs out.
 */
final class DialPlan {
    private final Pool pool;
    private final Timeouts timeouts;
    private final List<Backend> candidates;
    private final List<String> failures = new ArrayList<>();
    private int next;
    private final InetSocketAddress[] addresses;
    private int timeoutCount;
    private Lease attempt; // the slot of the backend being tried, until the tunnel takes it

    DialPlan(RouteTarget target, String stickyKey, Timeouts timeouts) {
        this.pool = target.pool();
        this.timeouts = timeouts;
        List<Backend> all = pool.candidates(stickyKey);
        this.candidates = all.subList(0, Math.min(target.config().attempts(), all.size()));
        this.addresses = new InetSocketAddress[candidates.size()]; // each resolved when it is tried
        if (!candidates.isEmpty()) {
            // counted now, not when the dial starts: plans made in one burst must see each other
            attempt = pool.acquire(candidates.get(0));
        }
    }

    Timeouts timeouts() {
        return timeouts;
    }

    /** The next backend to try (counted as open from now on), or null when every attempt is used up. */
    Backend next() {
        if (next >= candidates.size()) {
            release();
            return null;
        }
        Backend backend = candidates.get(next++);
        if (next > 1) {
            release();
            attempt = pool.acquire(backend);
        }
        return backend;
    }

    /** The attempt ended without a tunnel (the backend refused the upgrade): its slot is given back. Idempotent. */
    void release() {
        if (attempt != null) {
            attempt.close();
            attempt = null;
        }
    }

    /**
     * Where the backend that {@link #next()} gave last listens (unresolved if its name did not
     * resolve). A host name is looked up here, blocking, unless {@link #lookUp} did it already.
     */
    InetSocketAddress address() {
        if (addresses[next - 1] == null) {
            lookUp();
        }
        return addresses[next - 1];
    }

    /**
     * Whether {@link #address()} would ask DNS: the backend is named by a host name, not an IP
     * literal. An event loop must not wait for that, so it calls {@link #lookUp} on another thread.
     */
    boolean needsLookup() {
        if (addresses[next - 1] != null) {
            return false;
        }
        HostPort hp = HostPort.parse(candidates.get(next - 1).id());
        if (!isLiteral(hp.host())) {
            return true;
        }
        addresses[next - 1] = new InetSocketAddress(hp.host(), hp.port()); // parsed, not looked up
        return false;
    }

    /** Resolves the current backend's address (blocking on DNS for a host name). */
    void lookUp() {
        HostPort hp = HostPort.parse(candidates.get(next - 1).id());
        addresses[next - 1] = new InetSocketAddress(hp.host(), hp.port());
    }

    /** An IPv4 or IPv6 literal, which the JDK parses without a lookup; anything else is a name. */
    private static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // only IPv6 literals hold colons (HostPort took the brackets off)
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return !host.isEmpty();
    }

    /** TCP to {@code backend} is up: the pool counts it as healthy. */
    void connected(Backend backend) {
        pool.reportSuccess(backend);
    }

    /** TCP to {@code backend} failed: the pool counts it towards ejection. */
    void connectFailed(Backend backend, String why) {
        pool.reportFailure(backend);
        failures.add(backend.id() + ": connect failed (" + why + ")");
    }

    /** {@code backend} connected but did not take the upgrade (a 5xx, a malformed answer, a dropped socket). */
    void failed(Backend backend, String why) {
        failures.add(backend.id() + ": " + why);
    }

    /** {@code backend} connected but sent no answer within the upstream-handshake timeout. */
    void timedOut(Backend backend) {
        timeoutCount++;
        failures.add(backend.id() + ": no answer to the upgrade within " + timeouts.upstreamHandshake().toMillis() + "ms");
    }

    /** The slot on {@code backend}, which took the upgrade, handed to the tunnel (which closes it when it ends). */
    Lease acquire(Backend backend) {
        Lease lease = attempt != null && attempt.backend() == backend ? attempt : pool.acquire(backend);
        attempt = null;
        return lease;
    }

    /** Why the dial failed, once {@link #next()} gave null. */
    UpstreamDialer.Failed failure() {
        release();
        if (candidates.isEmpty()) {
            String reason = "pool '" + pool.name() + "' has no usable backend";
            return new UpstreamDialer.Failed(503, reason, reason);
        }
        String reason = "no backend of pool '" + pool.name() + "' accepted the upgrade";
        return new UpstreamDialer.Failed(timeoutCount == failures.size() ? 504 : 502, reason,
                reason + ": " + String.join("; ", failures));
    }
}
