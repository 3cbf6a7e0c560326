package io.switchboard.tunnel;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.switchboard.ws.CloseCodes;
import io.switchboard.ws.Frames;

/**
 * How one tunnel closes (RFC 6455 §7), for both modes and both bindings: which Close frame each
 * leg is sent and when, which socket closes first, and the close timer that bounds the whole
 * handshake (the tunnel's close timeout; when it fires both sockets close). The state itself (who
 * is done, who was sent a Close, who closed first) is the {@link CloseTracker}; ending the tunnel
 * is {@link TunnelConnection#finish}. Thread-safe: relays, the event loop, the heartbeat timers
 * and drains call it from their own threads.
 */
final class TunnelClose {
    private final TunnelConnection tunnel;
    private final Leg client;
    private final Leg backend;
    private final Liveness liveness;
    private final ScheduledExecutorService timers;
    private final Duration closeTimeout;
    private final CloseTracker state = new CloseTracker();
    private volatile ScheduledFuture<?> closeTimer;
    private volatile byte[] pendingClientClose;

    TunnelClose(TunnelConnection tunnel, Leg client, Leg backend, Liveness liveness, ScheduledExecutorService timers,
                Duration closeTimeout) {
        this.tunnel = tunnel;
        this.client = client;
        this.backend = backend;
        this.liveness = liveness;
        this.timers = timers;
        this.closeTimeout = closeTimeout;
    }

    /** Who closed first and with which code (the access log and metrics read it at the end). */
    CloseTracker state() {
        return state;
    }

    /** The tunnel ended: the close timer has nothing left to bound. */
    void cancelTimer() {
        ScheduledFuture<?> timer = closeTimer;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private Leg leg(Side side) {
        return side == Side.DOWNSTREAM ? client : backend;
    }

    /**
     * Tunnel mode: a Close frame from {@code from} is about to be relayed by {@code relay}. It is
     * recorded first (the reply may come back before the relaying thread runs again); when it
     * completes the handshake the tunnel ends, otherwise the close timer starts.
     */
    void closeSeen(Side from, int code, Runnable relay) {
        boolean complete = state.closeFrame(from, code);
        relay.run();
        if (complete) {
            bothLegsDone();
        } else {
            armCloseTimer();
        }
    }

    /**
     * Terminate mode: a valid Close arrived from {@code from}. As that leg's endpoint the proxy
     * echoes the code back (§5.5.1) unless this Close answers one the proxy sent; the other leg is
     * sent the same code and reason unless it was already sent a Close. 1005 (no code) travels as
     * an empty Close, since 1005 may not appear on the wire (§7.4.1).
     */
    void endpointClose(Leg from, Leg to, int code, String reason) {
        boolean complete = state.closeFrame(from.side, code);
        from.out.send(Frames.close(code, "", from.masks()), true);
        byte[] pending = pendingClientClose;
        if (to.side == Side.DOWNSTREAM && pending != null) {
            sendPendingClientClose(); // the backend answered the proxy's 1001: now fail the client
            return;
        }
        to.out.send(Frames.close(code, reason, to.masks()), true);
        if (from.side == Side.DOWNSTREAM && !complete && !client.out.isMidFrame()) {
            // the proxy is the server on this leg: after the handshake it closes TCP first (§7.1.1)
            client.out.closeSocket();
        }
        if (complete) {
            bothLegsDone();
        } else {
            armCloseTimer();
        }
    }

    /**
     * Terminate mode: the peer on {@code side} broke RFC 6455 and is failed with {@code code}
     * (§7.1.7). When the client broke it, the backend is told 1001 first and the client's Close is
     * sent once the backend has answered (or after 200 ms), so replies already on their way to the
     * client still reach it. When the backend broke it, the client gets 1011.
     */
    void failEndpoint(Side side, int code, String reason) {
        String by = code == CloseCodes.INVALID_PAYLOAD ? "invalid-payload" : code == CloseCodes.TOO_BIG ? "too-big"
                : "protocol-error";
        Set<Side> owed = state.proxyClose(side.label() + "-" + by, code, EnumSet.allOf(Side.class));
        if (side == Side.DOWNSTREAM) {
            pendingClientClose = owed.contains(Side.DOWNSTREAM) ? Frames.close(code, reason, false) : null;
            if (owed.contains(Side.UPSTREAM) && !backend.out.isMidFrame()) {
                backend.out.send(Frames.close(CloseCodes.GOING_AWAY, "downstream failed", true), true);
                later(this::sendPendingClientClose, 200);
            } else {
                sendPendingClientClose(); // the backend cannot be asked first: fail the client now
            }
            return;
        }
        if (owed.contains(Side.UPSTREAM)) {
            backend.out.send(Frames.close(code, reason, true), true);
        }
        if (owed.contains(Side.DOWNSTREAM)) {
            Thread.startVirtualThread(() -> client.out.send(Frames.close(CloseCodes.INTERNAL_ERROR, "upstream failed", false), true));
        }
        armCloseTimer();
    }

    private void sendPendingClientClose() {
        byte[] frame = pendingClientClose;
        pendingClientClose = null;
        if (frame != null && !tunnel.isFinished()) {
            client.out.send(frame, true);
            // failing a connection ends with closing TCP, without waiting for a reply (§7.1.7)
            later(tunnel::finish, 200);
        }
    }


    /** The peer on {@code side} broke a rule: it gets {@code code}, the other peer 1001. */
    void failLeg(Side side, int code, String reason, String by) {
        Leg offender = leg(side);
        Leg other = leg(side.other());
        Set<Side> owed = state.proxyClose(by, code, EnumSet.of(side, side.other()));
        if (owed.contains(side)) {
            offender.out.send(Frames.close(code, reason, offender.masks()), true);
        }
        if (owed.contains(side.other())) {
            other.out.send(Frames.close(CloseCodes.GOING_AWAY, reason + " from the other side", other.masks()), true);
        }
        armCloseTimer();
    }

    void inputEnded(Side side) {
        if (tunnel.isFinished()) {
            return;
        }
        boolean toBackend = side == Side.DOWNSTREAM;
        int code = toBackend ? CloseCodes.GOING_AWAY : CloseCodes.BAD_GATEWAY;
        if (state.inputEnded(side, code)) {
            Leg target = leg(side.other());
            String reason = toBackend ? "downstream went away" : "upstream went away";
            if (target.out.isMidFrame()) {
                tunnel.finish(); // the dead peer left the other stream inside a frame: only a TCP close is left
                return;
            }
            target.out.send(Frames.close(code, reason, target.masks()), true);
            if (target.out.isDead()) {
                tunnel.finish();
                return;
            }
        }
        if (state.allDone()) {
            bothLegsDone();
        } else {
            armCloseTimer();
        }
    }

    /**
     * Both legs are done (a Close or an end from each peer). On the client leg the proxy is the
     * server, which closes TCP first (RFC 6455 §7.1.1): that socket closes now. On the backend leg
     * the proxy is the client, which waits for the server to close first, so the TIME_WAIT that
     * follows stays with the backend and not on the proxy's ephemeral ports toward it (those run
     * out at a few hundred new connections a second per backend address when the proxy closes
     * first); the close timer bounds the wait for a backend that never closes.
     */
    private void bothLegsDone() {
        if (state.hasEnded(Side.UPSTREAM)) {
            tunnel.finish();
            return;
        }
        liveness.stop(); // no heartbeat after a Close
        client.out.closeSocket();
        armCloseTimer();
    }

    /** Heartbeat timeout: the peer on {@code side} is gone; close its socket, tell the other peer. */
    void reap(Side side) {
        boolean clientDead = side == Side.DOWNSTREAM;
        int code = clientDead ? CloseCodes.GOING_AWAY : CloseCodes.BAD_GATEWAY;
        String reason = clientDead ? "downstream timeout" : "upstream timeout";
        Leg live = leg(side.other());
        Set<Side> owed = state.proxyClose(side.label() + "-reaped", code, EnumSet.of(side, side.other()));
        leg(side).out.closeSocket();
        if (owed.contains(live.side) && live.out.isMidFrame()) {
            // the reaped peer left the live stream inside one of its frames, which will never end:
            // a Close cannot go out (RFC 6455 §5.4), so only a TCP close is left, as in inputEnded
            tunnel.finish();
            return;
        }
        if (owed.contains(live.side)) {
            Thread.startVirtualThread(() -> live.out.send(Frames.close(code, reason, live.masks()), true));
        }
        armCloseTimer();
    }

    /** Closes both legs with {@code code} (idle, lifetime); replies are awaited up to the close timeout. */
    void closeBoth(int code, String reason, String by) {
        closeBoth(code, code, reason, by);
    }

    /**
     * Closes both legs: the client with {@code clientCode}, the backend with {@code backendCode},
     * each at a frame boundary; replies are awaited up to the close timeout.
     */
    void closeBoth(int clientCode, int backendCode, String reason, String by) {
        Set<Side> owed = state.proxyClose(by, clientCode, EnumSet.allOf(Side.class));
        // both legs' Close frames are claimed at once, before either is written: a peer's quick
        // reply, relayed to the other leg, must not take the place of the proxy's own Close there
        for (Side side : owed) {
            Leg leg = leg(side);
            leg.out.reserveClose(Frames.close(side == Side.DOWNSTREAM ? clientCode : backendCode, reason, leg.masks()));
        }
        Thread.startVirtualThread(() -> owed.forEach(side -> leg(side).out.flush()));
        armCloseTimer();
    }

    void armCloseTimer() {
        if (closeTimer == null && !tunnel.isFinished()) {
            closeTimer = later(tunnel::finish, closeTimeout.toMillis());
        }
    }

    /**
     * Runs {@code task} after {@code millis} on a virtual thread of its own: it writes or closes
     * sockets, which can wait (a writer's lock held by a blocked write, a TLS socket's close), and
     * the shared timer thread serves every tunnel's heartbeats and the handshake deadlines.
     */
    private java.util.concurrent.ScheduledFuture<?> later(Runnable task, long millis) {
        return timers.schedule(() -> Thread.startVirtualThread(task), millis, TimeUnit.MILLISECONDS);
    }
}
