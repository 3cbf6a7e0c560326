package io.switchboard.tunnel;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.switchboard.config.WebSocketPolicy;
import io.switchboard.heartbeat.LegHeartbeat;
import io.switchboard.ws.CloseCodes;

/**
 * The timers of one tunnel: a heartbeat check per leg, the idle limit and the maximum lifetime.
 * All tunnels share one scheduler thread (a delay queue), and each timer re-arms itself for the
 * moment something could next be due (last activity + interval), so a busy connection costs no
 * extra wake-ups and an idle one wakes once per interval: no thread and no polling per socket.
 * Timer tasks never block: anything that writes to a socket or closes one runs on a virtual thread of its own (a TLS socket's close waits for a blocked write).
 */
final class Liveness {
    private final ScheduledExecutorService timers;
    private final TunnelConnection tunnel;
    private final WebSocketPolicy policy;
    private final long openedAt;
    private volatile boolean stopped;
    private volatile ScheduledFuture<?> downstreamCheck;
    private volatile ScheduledFuture<?> upstreamCheck;
    private volatile ScheduledFuture<?> idleCheck;
    private volatile ScheduledFuture<?> lifetimeEnd;
    // which heartbeat check of each leg is current (guarded by this): a Pong's re-arm on the loop
    // and a running check's re-arm on the timer thread must not both leave a chain behind
    private long downstreamGeneration;
    private long upstreamGeneration;

    Liveness(ScheduledExecutorService timers, TunnelConnection tunnel, WebSocketPolicy policy, long openedAt) {
        this.timers = timers;
        this.tunnel = tunnel;
        this.policy = policy;
        this.openedAt = openedAt;
    }

    /** Arms every timer; does nothing once {@link #stop} ran (a tunnel that ended before it opened). */
    synchronized void start() {
        if (stopped) {
            return;
        }
        scheduleLeg(tunnel.clientLeg(), policy.downstream().interval().toNanos());
        scheduleLeg(tunnel.backendLeg(), policy.upstream().interval().toNanos());
        if (!policy.idle().isZero()) {
            idleCheck = at(this::checkIdle, policy.idle().toNanos());
        }
        if (!policy.maxLifetime().isZero()) {
            lifetimeEnd = at(() -> Thread.startVirtualThread(() -> tunnel.closing().closeBoth(CloseCodes.GOING_AWAY,
                            "connection lifetime reached", "max-lifetime")),
                    jittered(policy.maxLifetime(), policy.lifetimeJitter()));
        }
    }

    /** {@code lifetime} moved randomly by up to ±{@code jitter} of itself, so reconnects spread out. */
    static long jittered(Duration lifetime, double jitter) {
        double factor = 1 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
        return (long) (lifetime.toNanos() * factor);
    }

    /** Makes a new check of {@code leg} the current one, due in {@code delayNanos}. */
    private synchronized void scheduleLeg(Leg leg, long delayNanos) {
        if (leg.heartbeat == null || stopped) {
            return;
        }
        long generation = leg.side == Side.DOWNSTREAM ? ++downstreamGeneration : ++upstreamGeneration;
        ScheduledFuture<?> f = at(() -> checkLeg(leg, generation), delayNanos);
        if (leg.side == Side.DOWNSTREAM) {
            downstreamCheck = f;
        } else {
            upstreamCheck = f;
        }
    }

    /** A pong answered the proxy's ping on {@code leg}: look again one interval from now. */
    synchronized void answered(Leg leg) {
        if (stopped) {
            return;
        }
        ScheduledFuture<?> current = leg.side == Side.DOWNSTREAM ? downstreamCheck : upstreamCheck;
        if (current != null) {
            current.cancel(false);
        }
        scheduleLeg(leg, (leg.side == Side.DOWNSTREAM ? policy.downstream() : policy.upstream()).interval().toNanos());
    }

    private synchronized boolean current(Leg leg, long generation) {
        return !stopped && generation == (leg.side == Side.DOWNSTREAM ? downstreamGeneration : upstreamGeneration);
    }

    /** Re-arms {@code leg}'s check unless a newer one replaced this one meanwhile. */
    private synchronized void rearm(Leg leg, long generation, long delayNanos) {
        if (current(leg, generation)) {
            scheduleLeg(leg, delayNanos);
        }
    }

    private void checkLeg(Leg leg, long generation) {
        if (!current(leg, generation)) {
            return; // a Pong re-armed this leg after this check was queued
        }
        long now = System.nanoTime();
        Leg other = leg.side == Side.DOWNSTREAM ? tunnel.backendLeg() : tunnel.clientLeg();
        LegHeartbeat.Check check = leg.heartbeat.check(now, leg.out.lastProgress(), leg.out.hasBacklog(),
                other.out.hasBacklog());
        switch (check.action()) {
            // closing can wait on a leg's lock or a TLS socket's close: never on the shared timer thread
            case REAP -> Thread.startVirtualThread(() -> tunnel.closing().reap(leg.side));
            case PING -> {
                tunnel.ping(leg, leg.heartbeat.ping(now));
                rearm(leg, generation, check.nextNanos() - now);
            }
            case WAIT -> rearm(leg, generation, check.nextNanos() - now);
        }
    }

    private synchronized void checkIdle() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        long quietSince = Math.max(tunnel.lastData(), openedAt);
        long due = quietSince + policy.idle().toNanos();
        if (now - due >= 0) {
            Thread.startVirtualThread(() -> tunnel.closing().closeBoth(CloseCodes.GOING_AWAY, "idle timeout", "idle"));
        } else {
            idleCheck = at(this::checkIdle, due - now);
        }
    }

    private ScheduledFuture<?> at(Runnable task, long delayNanos) {
        return timers.schedule(task, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** Cancels every timer; idempotent. Under the lock: a timer armed concurrently is either cancelled here or not armed. */
    synchronized void stop() {
        stopped = true;
        for (ScheduledFuture<?> f : new ScheduledFuture<?>[] {downstreamCheck, upstreamCheck, idleCheck, lifetimeEnd}) {
            if (f != null) {
                f.cancel(false);
            }
        }
    }
}
