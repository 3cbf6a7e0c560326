package io.switchboard.tunnel;

import java.io.IOException;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
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
 * sockets closed. Those rules live in {@link TunnelClose}.
 */
final class TunnelConnection implements ServerConnection, Drainable {
    private ConnectionContext ctx; // dropped once the tunnel is detached from Helidon (see runOnLoop)
    private final Socket backendSocket;
    private final Lease lease;
    private final byte[] early;
    private final AccessLog.Line logPrefix;
    private final Placement placement;
    private final Registry registry;
    private final Supplier<Routes> routes;
    private final ProxyMetrics metrics;
    private final AutoCloseable admission;
    private volatile Runnable openGauge = () -> { };
    private final Leg client;
    private final Leg backend;
    private final Liveness liveness;
    private final TunnelClose closing;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile long lastData;
    private volatile long readAt;
    private final Relay downstream;
    private final Relay upstream;
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
        ScheduledExecutorService timers = services.timers();
        this.logPrefix = logPrefix;
        this.placement = placement;
        this.registry = services.registry();
        this.routes = services.routes();
        this.metrics = services.metrics();
        this.admission = admission;
        SocketChannel clientChannel = end.channel();
        SocketChannel backendChannel = up.channel();
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
        this.closing = new TunnelClose(this, client, backend, liveness, timers, closeTimeout);
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
            drain(routes.get().config().drain().closeCode(), "backend drained or removed");
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
        Runnable lower = metrics.opened(placement.route(), placement.backend());
        java.util.concurrent.atomic.AtomicBoolean lowered = new java.util.concurrent.atomic.AtomicBoolean();
        openGauge = () -> {
            if (lowered.compareAndSet(false, true)) {
                lower.run();
            }
        };
        if (finished.get()) {
            openGauge.run(); // it ended before it began (finish may or may not have seen this gauge): counted off once
            return;
        }
        liveness.start(); // a no-op if finish stopped the timers meanwhile
    }

    /** The end, once: zlib streams given back, metrics, the access log line. */
    private void accountEnd() {
        downstream.release();
        upstream.release();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        metrics.closed(placement.route(), downstream.bytesSeen(), downstream.framesSeen(), upstream.bytesSeen(),
                upstream.framesSeen(),
                Duration.ofNanos(System.nanoTime() - started), closing.state().closedBy(), closing.state().code());
        if (AccessLog.enabled()) { // the fields are strings built per connection: none for a log that is off
            AccessLog.line("ws").addAll(logPrefix).add("duration", millis + "ms")
                    .add("up", downstream.bytesSeen() + "B/" + downstream.framesSeen() + "f")
                    .add("down", upstream.bytesSeen() + "B/" + upstream.framesSeen() + "f")
                    .add("close", closing.state().code()).add("closed-by", closing.state().closedBy()).add("io", loop != null ? "loop" : "threads")
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
        received(leg(side), relay(side), b, len);
    }

    /** The processing of what is read from {@code side} (the loop asks it whether it paused). */
    Relay relay(Side side) {
        return side == Side.DOWNSTREAM ? downstream : upstream;
    }

    /** The close handshake's rules and timer. */
    TunnelClose closing() {
        return closing;
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
     * A paused relay goes on with bytes read earlier: data it moves now counts as moving now for the
     * idle limit (no byte came from the peer, so its heartbeat hears nothing).
     */
    void resuming() {
        readAt = System.nanoTime();
    }

    /** A data frame moved (idle tracking). */
    void markData() {
        lastData = readAt;
    }

    /** Whether a Pong answers the proxy's heartbeat on {@code from} (then it is consumed). */
    boolean ownPong(Leg from, byte[] payload) {
        if (from.heartbeat == null) {
            return false; // this leg sends no pings: every Pong on it is someone else's (another proxy's too)
        }
        boolean own = from.heartbeat.pong(payload, readAt);
        if (own) {
            liveness.answered(from); // the next ping is due one interval after this answer
        }
        return own;
    }

    /** Heartbeat: sends a ping to {@code leg} (from the scheduler: the write runs on its own virtual thread). */
    void ping(Leg leg, byte[] payload) {
        byte[] frame = Frames.control(Opcode.PING, payload, leg.masks());
        // the timeout counts from the moment the ping is on the wire, not from when it queued
        // behind a long frame (a live peer reading a slow frame is not silent)
        Thread.startVirtualThread(() -> leg.out.send(frame, false, () -> leg.heartbeat.written(System.nanoTime())));
    }

    @Override
    public void drain(int code, String reason) {
        synchronized (this) {
            if (!relaying) {
                // registered but not yet relaying: a Close now would overtake the bytes the backend
                // sent with its 101, so the drain waits for opened()
                drainWhenOpen = () -> closing.closeBoth(code, CloseCodes.GOING_AWAY, reason, "drain");
                return;
            }
        }
        closing.closeBoth(code, CloseCodes.GOING_AWAY, reason, "drain");
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

    /** Ends the tunnel: both sockets closed, timers cancelled, the backend slot released. Idempotent. */
    void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        liveness.stop();
        closing.cancelTimer();
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
