package io.switchboard.tunnel;

import java.io.IOException;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.switchboard.balance.Lease;
import io.switchboard.config.WebSocketPolicy;
import io.switchboard.drain.Drainable;
import io.switchboard.drain.Registry;
import io.switchboard.heartbeat.LegHeartbeat;
import io.switchboard.log.AccessLog;
import io.switchboard.metrics.ProxyMetrics;
import io.switchboard.route.Routes;
import io.switchboard.ws.CloseCodes;
import io.switchboard.ws.Frames;
import io.switchboard.ws.Opcode;

/**
 * One established WebSocket tunnel: data frames flow both ways byte for byte while a
 * {@link FrameScanner} per direction tracks frame boundaries and hands over control frames whole.
 *
 * <p>Threads: when both legs are plain TCP (the usual case) the two sockets move to a
 * {@link ChannelLoop} once the handshake is done: one loop thread per core reads every ready socket
 * and runs this tunnel's relays, and Helidon's thread for the connection returns (its references
 * to the client socket are detached first, see {@link ClientChannel}; if they cannot be, it waits
 * for the end instead, since Helidon closes the socket when {@link #handle} returns). A slow reader never stalls the loop: what it cannot take
 * waits in its {@link ChannelWriter} and the other peer is not read meanwhile. When a leg uses TLS
 * the tunnel keeps two blocking virtual threads instead: client-to-backend on Helidon's, backend-to-
 * client on a second; a slow reader then blocks only its own writer. Either way the relays, the
 * close handshake and {@link Liveness} (heartbeats, idle and lifetime limits) are the same code.
 *
 * <p>Closing (RFC 6455 §7): a Close frame from either peer is relayed and the other peer's reply
 * relayed back; once both legs are done both sockets close. A peer that drops TCP without a Close
 * makes the proxy send one to the other peer: 1014 (bad gateway) to the client when the backend
 * dropped, 1001 (going away) to the backend when the client dropped. A peer that stops answering
 * heartbeats is reaped: its socket is closed at once and the other peer gets 1014 "upstream
 * timeout" (backend reaped) or 1001 "downstream timeout" (client reaped). Idle and lifetime limits
 * close both legs with 1001. A client frame over the size limits gets 1009 (the backend 1001), an
 * unframeable stream 1002. A close handshake not finished within the close timeout ends with both
 * sockets closed.
 */
final class TunnelConnection implements ServerConnection, Drainable {
    private ConnectionContext ctx; // dropped once the tunnel is detached from Helidon (see runOnLoop)
    private final Socket backendSocket;
    private final Lease lease;
    private final byte[] early;
    private final ScheduledExecutorService timers;
    private final Duration closeTimeout;
    private final AccessLog.Line logPrefix;
    private final Placement placement;
    private final Registry registry;
    private final Supplier<Routes> routes;
    private final ProxyMetrics metrics;
    private final AutoCloseable admission;
    private Runnable openGauge = () -> { };
    private final Leg client;
    private final Leg backend;
    private final Liveness liveness;
    private final CloseTracker close = new CloseTracker();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ScheduledFuture<?> closeTimer;
    private volatile long lastData;
    private volatile long readAt;
    private final Relay downstream;
    private final Relay upstream;
    private volatile byte[] pendingClientClose;
    private final LoopBinding loop;
    private final CountDownLatch accounted = new CountDownLatch(1);
    private volatile long started;
    private boolean relaying;        // guarded by this: opened() ran
    private Runnable drainWhenOpen;  // guarded by this: a drain asked for before opened()

    /** Where a tunnel was placed: route, pool, backend and sticky key (drains and reloads select by these). */
    record Placement(String route, String pool, String backend, String stickyKey) {
    }

    /**
     * @param end    the client's connection (still Helidon's, or already detached)
     * @param onLoop the loop the dial ran on, which keeps the tunnel; null to pick one
     */
    TunnelConnection(ClientEnd end, ChannelLoop onLoop, UpstreamDialer.Upgraded up, TunnelServices services,
                     Duration closeTimeout, WebSocketPolicy policy, Placement placement, AutoCloseable admission,
                     TerminateHandshake terminate, AccessLog.Line logPrefix) throws IOException {
        long now = System.nanoTime();
        this.ctx = end.ctx();
        this.backendSocket = up.socket();
        this.lease = up.lease();
        this.early = up.head().leftover();
        this.timers = services.timers();
        this.closeTimeout = closeTimeout;
        this.logPrefix = logPrefix;
        this.placement = placement;
        this.registry = services.registry();
        this.routes = services.routes();
        this.metrics = services.metrics();
        this.admission = admission;
        SocketChannel clientChannel = end.channel();
        SocketChannel backendChannel = backendSocket.getChannel();
        ChannelLoop chosen = clientChannel == null || backendChannel == null ? null
                : onLoop != null ? onLoop : ChannelLoop.next();
        this.client = new Leg(Side.DOWNSTREAM, chosen != null ? new ChannelWriter(clientChannel, chosen)
                : new LegWriters.ClientWriter(ctx),
                new FrameScanner(policy.maxFrameSize(), policy.maxMessageSize()), policy.downstream(), now,
                rtt -> metrics.pingRtt("downstream", rtt));
        this.backend = new Leg(Side.UPSTREAM, chosen != null ? new ChannelWriter(backendChannel, chosen)
                : new LegWriters.BackendWriter(backendSocket, backendSocket.getOutputStream()),
                new FrameScanner(), policy.upstream(), now, rtt -> metrics.pingRtt("upstream", rtt));
        this.loop = chosen == null ? null : new LoopBinding(this, chosen, clientChannel, backendChannel);
        this.liveness = new Liveness(timers, this, policy, now);
        this.lastData = now;
        this.downstream = terminate != null
                ? new TerminateRelay(this, client, backend, policy.maxFrameSize(), policy.maxMessageSize(), terminate)
                : new TunnelRelay(this, client, backend);
        this.upstream = terminate != null ? new TerminateRelay(this, backend, client, 0, 0, terminate)
                : new TunnelRelay(this, backend, client);
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        begin();
        if (loop == null) {
            runOnThreads();
            accountEnd();
        } else if (!runOnLoop()) {
            accounted.await(); // Helidon's thread stays until the loop has accounted for the end
        }
    }

    /**
     * Starts a tunnel whose client socket was taken from Helidon before the dial (the dial ran on
     * the loop, see {@link LoopDialer}): the 101 goes out first, then the bytes that came early
     * from either peer, then the loop reads both sockets.
     */
    void startDetached(byte[] pipelined, byte[] clientHead) {
        begin();
        try {
            loop.start(pipelined, early); // non-blocking from here; registration follows on the loop
        } catch (IOException e) {
            finish();
            return;
        }
        ((ChannelWriter) client.out).preface(clientHead);
    }

    /**
     * The tunnel is relaying: the 101 and the bytes that came with it are on their way. A drain
     * asked for before this point runs now. A backend drain (admin API) or a reload that removed
     * the backend may also have taken its snapshot of open WebSockets while this one's dial was
     * under way: it then gets the Close the others got, now (not earlier, or it would overtake the
     * backend's first frames).
     */
    void opened() {
        Runnable deferred;
        synchronized (this) {
            relaying = true;
            deferred = drainWhenOpen;
            drainWhenOpen = null;
        }
        if (deferred != null) {
            deferred.run();
        } else if (!routes.get().keeps(placement.pool(), placement.backend())) {
            drain(CloseCodes.SERVICE_RESTART, "backend drained or removed");
        }
    }

    /**
     * Puts the tunnel where drains find it. Called once it is made, before the dial's opening count
     * ends ({@link Registry#openingEnded}), so a process drain always finds the upgrade, as opening
     * or as open: on the blocking path Helidon calls {@link #handle} only after that count has
     * ended. A drain that comes before the tunnel relays waits for {@link #opened()}.
     */
    void track() {
        registry.add(this);
    }

    private void begin() {
        started = System.nanoTime();
        openGauge = metrics.opened(placement.route(), placement.backend());
        liveness.start();
    }

    /** The end, once: zlib streams given back, metrics, the access log line. */
    private void accountEnd() {
        downstream.release();
        upstream.release();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        metrics.closed(placement.route(), downstream.bytesSeen(), downstream.framesSeen(), upstream.bytesSeen(),
                upstream.framesSeen(),
                Duration.ofNanos(System.nanoTime() - started), close.closedBy(), close.code());
        if (AccessLog.enabled()) { // the fields are strings built per connection: none for a log that is off
            AccessLog.line("ws").addAll(logPrefix).add("duration", millis + "ms")
                    .add("up", downstream.bytesSeen() + "B/" + downstream.framesSeen() + "f")
                    .add("down", upstream.bytesSeen() + "B/" + upstream.framesSeen() + "f")
                    .add("close", close.code()).add("closed-by", close.closedBy()).add("io", loop != null ? "loop" : "threads")
                    .add("rtt-client", client.rtt()).add("rtt-backend", backend.rtt()).write();
        }
        accounted.countDown();
    }

    /** A leg with TLS: each direction reads on its own blocking virtual thread. */
    private void runOnThreads() throws InterruptedException {
        new ThreadBinding(this, ctx, backendSocket, early).run();
        finish();
    }

    /**
     * Plain TCP on both legs: the sockets move to an event loop. Helidon's thread then returns at
     * once when Helidon's internals let the connection be detached ({@link ClientChannel#detach}),
     * else it waits for the end, because Helidon closes the client socket when {@link #handle}
     * returns.
     *
     * @return true when Helidon's thread may return now
     */
    private boolean runOnLoop() {
        byte[] pipelined = ClientChannel.takeBuffered(ctx);
        boolean detached = ClientChannel.detach(ctx);
        if (detached) {
            ctx = null; // Helidon's connection objects (its thread, request head, reader) can go
        }
        try {
            loop.start(pipelined, early);
        } catch (IOException e) {
            finish();
        }
        return detached;
    }

    /** Bytes read from the leg on {@code side} (by the event loop or a relay thread). */
    void received(Side side, byte[] b, int len) {
        received(leg(side), side == Side.DOWNSTREAM ? downstream : upstream, b, len);
    }

    /** Whether the tunnel has ended (both sockets closed). */
    boolean isFinished() {
        return finished.get();
    }

    /** Bytes arrived from {@code from}: proof of life for its heartbeat, then the direction's processing. */
    private void received(Leg from, Relay relay, byte[] b, int len) {
        long now = System.nanoTime();
        readAt = now;
        if (from.heartbeat != null) {
            from.heartbeat.heard(now);
        }
        relay.bytes(b, len);
    }


    /**
     * Tunnel mode: a Close frame from {@code from} is about to be relayed by {@code relay}. It is
     * recorded first (the reply may come back before the relaying thread runs again); when it
     * completes the handshake the tunnel ends, otherwise the close timer starts.
     */
    void closeSeen(Side from, int code, Runnable relay) {
        boolean complete = close.closeFrame(from, code);
        relay.run();
        if (complete) {
            bothLegsDone();
        } else {
            armCloseTimer();
        }
    }

    /** A data frame moved (idle tracking). */
    void markData() {
        lastData = readAt;
    }

    /** Whether a Pong answers the proxy's heartbeat on {@code from} (then it is consumed). */
    boolean ownPong(Leg from, byte[] payload) {
        if (from.heartbeat == null) {
            return LegHeartbeat.isOwn(payload);
        }
        boolean own = from.heartbeat.pong(payload, readAt);
        if (own) {
            liveness.answered(from); // the next ping is due one interval after this answer
        }
        return own;
    }

    /**
     * Terminate mode: a valid Close arrived from {@code from}. As that leg's endpoint the proxy
     * echoes the code back (§5.5.1) unless this Close answers one the proxy sent; the other leg is
     * sent the same code and reason unless it was already sent a Close. 1005 (no code) travels as
     * an empty Close, since 1005 may not appear on the wire (§7.4.1).
     */
    void endpointClose(Leg from, Leg to, int code, String reason) {
        boolean complete = close.closeFrame(from.side, code);
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
        Set<Side> owed = close.proxyClose(side.label() + "-" + by, code, EnumSet.allOf(Side.class));
        if (side == Side.DOWNSTREAM) {
            pendingClientClose = owed.contains(Side.DOWNSTREAM) ? Frames.close(code, reason, false) : null;
            if (owed.contains(Side.UPSTREAM) && !backend.out.isMidFrame()) {
                backend.out.send(Frames.close(CloseCodes.GOING_AWAY, "downstream failed", true), true);
                timers.schedule(this::sendPendingClientClose, 200, TimeUnit.MILLISECONDS);
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
        if (frame != null && !finished.get()) {
            client.out.send(frame, true);
            // failing a connection ends with closing TCP, without waiting for a reply (§7.1.7)
            timers.schedule(this::finish, 200, TimeUnit.MILLISECONDS);
        }
    }


    /** The peer on {@code side} broke a rule: it gets {@code code}, the other peer 1001. */
    void failLeg(Side side, int code, String reason, String by) {
        Leg offender = leg(side);
        Leg other = leg(side.other());
        Set<Side> owed = close.proxyClose(by, code, EnumSet.of(side, side.other()));
        if (owed.contains(side)) {
            offender.out.send(Frames.close(code, reason, offender.masks()), true);
        }
        if (owed.contains(side.other())) {
            other.out.send(Frames.close(CloseCodes.GOING_AWAY, reason + " from the other side", other.masks()), true);
        }
        armCloseTimer();
    }

    void inputEnded(Side side) {
        if (finished.get()) {
            return;
        }
        boolean toBackend = side == Side.DOWNSTREAM;
        int code = toBackend ? CloseCodes.GOING_AWAY : CloseCodes.BAD_GATEWAY;
        if (close.inputEnded(side, code)) {
            Leg target = leg(side.other());
            String reason = toBackend ? "downstream went away" : "upstream went away";
            if (target.out.isMidFrame()) {
                finish(); // the dead peer left the other stream inside a frame: only a TCP close is left
                return;
            }
            target.out.send(Frames.close(code, reason, target.masks()), true);
            if (target.out.isDead()) {
                finish();
                return;
            }
        }
        if (close.allDone()) {
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
        if (close.hasEnded(Side.UPSTREAM)) {
            finish();
            return;
        }
        liveness.stop(); // no heartbeat after a Close
        client.out.closeSocket();
        armCloseTimer();
    }

    /** Heartbeat: sends a ping to {@code leg} (from the scheduler: the write runs on its own virtual thread). */
    void ping(Leg leg, byte[] payload) {
        byte[] frame = Frames.control(Opcode.PING, payload, leg.masks());
        // the timeout counts from the moment the ping is on the wire, not from when it queued
        // behind a long frame (a live peer reading a slow frame is not silent)
        Thread.startVirtualThread(() -> leg.out.send(frame, false, () -> leg.heartbeat.written(System.nanoTime())));
    }

    /** Heartbeat timeout: the peer on {@code side} is gone; close its socket, tell the other peer. */
    void reap(Side side) {
        boolean clientDead = side == Side.DOWNSTREAM;
        int code = clientDead ? CloseCodes.GOING_AWAY : CloseCodes.BAD_GATEWAY;
        String reason = clientDead ? "downstream timeout" : "upstream timeout";
        Leg live = leg(side.other());
        Set<Side> owed = close.proxyClose(side.label() + "-reaped", code, EnumSet.of(side, side.other()));
        leg(side).out.closeSocket();
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
    private void closeBoth(int clientCode, int backendCode, String reason, String by) {
        Set<Side> owed = close.proxyClose(by, clientCode, EnumSet.allOf(Side.class));
        // both legs' Close frames are claimed at once, before either is written: a peer's quick
        // reply, relayed to the other leg, must not take the place of the proxy's own Close there
        for (Side side : owed) {
            Leg leg = leg(side);
            leg.out.reserveClose(Frames.close(side == Side.DOWNSTREAM ? clientCode : backendCode, reason, leg.masks()));
        }
        Thread.startVirtualThread(() -> owed.forEach(side -> leg(side).out.flush()));
        armCloseTimer();
    }

    @Override
    public void drain(int code, String reason) {
        synchronized (this) {
            if (!relaying) {
                // registered but not yet relaying: a Close now would overtake the bytes the backend
                // sent with its 101, so the drain waits for opened()
                drainWhenOpen = () -> closeBoth(code, CloseCodes.GOING_AWAY, reason, "drain");
                return;
            }
        }
        closeBoth(code, CloseCodes.GOING_AWAY, reason, "drain");
    }

    @Override
    public void abort() {
        finish();
    }

    @Override
    public boolean webSocket() {
        return true;
    }

    @Override
    public String pool() {
        return placement.pool();
    }

    @Override
    public String backend() {
        return placement.backend();
    }

    @Override
    public String stickyKey() {
        return placement.stickyKey();
    }

    private void armCloseTimer() {
        if (closeTimer == null && !finished.get()) {
            closeTimer = timers.schedule(this::finish, closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Ends the tunnel: both sockets closed, timers cancelled, the backend slot released. Idempotent. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        liveness.stop();
        ScheduledFuture<?> timer = closeTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        backend.out.closeSocket();
        client.out.closeSocket();
        if (loop != null) {
            loop.afterEvents(this::accountEnd); // after any event the loop is handling for this tunnel
        }
        lease.close();
        registry.remove(this);
        openGauge.run();
        try {
            admission.close();
        } catch (Exception e) {
            // a ticket's close does not fail
        }
    }

    Leg clientLeg() {
        return client;
    }

    Leg backendLeg() {
        return backend;
    }

    private Leg leg(Side side) {
        return side == Side.DOWNSTREAM ? client : backend;
    }

    /** When a data frame last moved, either way ({@link System#nanoTime()}). */
    long lastData() {
        return lastData;
    }

    @Override
    public Duration idleTime() {
        return Duration.ZERO; // tunnels are kept alive by their own liveness rules, not Helidon's idle reaper
    }

    @Override
    public void close(boolean interrupt) {
        finish();
    }
}
