package io.switchboard.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.switchboard.balance.Lease;
import io.switchboard.log.AccessLog;
import io.switchboard.ws.CloseCodes;
import io.switchboard.ws.ClosePayload;
import io.switchboard.ws.Frames;

/**
 * One established WebSocket tunnel: frames flow both ways, byte for byte, while a
 * {@link FrameScanner} per direction tracks frame boundaries and Close frames.
 *
 * <p>Threads: the downstream-to-upstream relay runs on the connection's own virtual thread (the
 * one Helidon calls {@link #handle} on), the upstream-to-downstream relay on a second virtual
 * thread. Both use blocking I/O, so a slow reader slows only its own writer (TCP backpressure) and
 * never another connection.
 *
 * <p>Closing (RFC 6455 §7): a Close frame from either peer is relayed and the other peer's reply
 * relayed back; once both legs are done both sockets close. A peer that drops TCP without a Close
 * makes the proxy send one to the other peer itself: 1014 (bad gateway) to the client when the
 * backend dropped, 1001 (going away) to the backend when the client dropped. A close handshake
 * that is not finished within the close timeout ends with both sockets closed.
 */
final class TunnelConnection implements ServerConnection {
    /** Largest single read from a backend: bounds the buffer a busy tunnel allocates per wake-up. */
    private static final int MAX_READ = 64 * 1024;

    private final ConnectionContext ctx;
    private final Socket backend;
    private final Lease lease;
    private final byte[] early;
    private final ScheduledExecutorService timers;
    private final Duration closeTimeout;
    private final String logPrefix;
    private final FrameScanner fromClient = new FrameScanner();
    private final FrameScanner fromBackend = new FrameScanner();
    private final CloseTracker close = new CloseTracker();
    private final AtomicBoolean finished = new AtomicBoolean();
    private final LegWriter toClient;
    private final LegWriter toBackend;
    private volatile ScheduledFuture<?> closeTimer;

    TunnelConnection(ConnectionContext ctx, UpstreamDialer.Upgraded up, ScheduledExecutorService timers,
                     Duration closeTimeout, String logPrefix) throws IOException {
        this.ctx = ctx;
        this.backend = up.socket();
        this.lease = up.lease();
        this.early = up.head().leftover();
        this.timers = timers;
        this.closeTimeout = closeTimeout;
        this.logPrefix = logPrefix;
        this.toClient = new ClientWriter(ctx);
        this.toBackend = new BackendWriter(backend, backend.getOutputStream());
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        long started = System.nanoTime();
        Future<?> upstream = ctx.executor().submit(this::relayUpstream);
        relayDownstream();
        try {
            upstream.get();
        } catch (ExecutionException e) {
            finish();
        }
        finish();
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        AccessLog.log(logPrefix + " duration=" + millis + "ms"
                + " up=" + fromClient.bytes() + "B/" + fromClient.frames() + "f"
                + " down=" + fromBackend.bytes() + "B/" + fromBackend.frames() + "f"
                + " close=" + close.code() + " closed-by=" + close.closedBy());
    }

    /** Client to backend, on the connection's thread. */
    private void relayDownstream() {
        try {
            DataReader reader = ctx.dataReader();
            while (!finished.get()) {
                BufferData data = reader.readBuffer();
                byte[] chunk = new byte[data.available()];
                data.read(chunk);
                relay(chunk, chunk.length, fromClient, toBackend, Side.DOWNSTREAM);
            }
        } catch (FrameScanner.MalformedFrameException e) {
            protocolError(Side.DOWNSTREAM);
        } catch (RuntimeException e) {
            // EOF (InsufficientDataAvailableException), reset, or our own finish() closing the socket
        }
        inputEnded(Side.DOWNSTREAM);
    }

    /**
     * Backend to client, on a second virtual thread. An idle tunnel holds no read buffer: the
     * thread parks on a one-byte read and sizes a buffer to what has arrived once it wakes, so
     * memory follows traffic rather than the number of open sockets.
     */
    private void relayUpstream() {
        try {
            relay(early, early.length, fromBackend, toClient, Side.UPSTREAM);
            InputStream in = backend.getInputStream();
            int first;
            while ((first = in.read()) >= 0) {
                byte[] buf = new byte[Math.min(MAX_READ, 1 + in.available())];
                buf[0] = (byte) first;
                int n = buf.length > 1 ? in.read(buf, 1, buf.length - 1) : 0;
                relay(buf, 1 + Math.max(0, n), fromBackend, toClient, Side.UPSTREAM);
            }
        } catch (FrameScanner.MalformedFrameException e) {
            protocolError(Side.UPSTREAM);
        } catch (IOException | RuntimeException e) {
            // reset or our own finish() closing the socket
        }
        inputEnded(Side.UPSTREAM);
    }

    private void relay(byte[] b, int len, FrameScanner scanner, LegWriter out, Side from) {
        int off = 0;
        while (off < len) {
            int n = scanner.advance(b, off, len - off);
            ClosePayload cp = scanner.completedClose();
            // recorded before relaying: the reply may come back before this thread runs again
            boolean complete = cp != null && close.closeFrame(from, cp.code());
            out.relay(b, off, n, scanner.atBoundary());
            off += n;
            if (complete) {
                finish();
            } else if (cp != null) {
                armCloseTimer();
            }
        }
    }

    /** The peer on {@code side} sent an unframeable stream: tell it 1002 (§7.4.1), then treat it as gone. */
    private void protocolError(Side side) {
        LegWriter toOffender = side == Side.DOWNSTREAM ? toClient : toBackend;
        toOffender.inject(Frames.close(CloseCodes.PROTOCOL_ERROR, "malformed frame", side == Side.UPSTREAM), false);
    }

    private void inputEnded(Side side) {
        if (finished.get()) {
            return;
        }
        boolean toBackendSide = side == Side.DOWNSTREAM;
        int code = toBackendSide ? CloseCodes.GOING_AWAY : CloseCodes.BAD_GATEWAY;
        if (close.inputEnded(side, code)) {
            LegWriter target = toBackendSide ? toBackend : toClient;
            String reason = toBackendSide ? "downstream went away" : "upstream went away";
            // frames toward a backend are masked, toward a client not (RFC 6455 §5.1)
            boolean sent = target.inject(Frames.close(code, reason, toBackendSide), false);
            if (!sent || target.isDead()) {
                finish(); // mid-frame or the other peer is gone too: only a TCP close is left
                return;
            }
        }
        if (close.allDone()) {
            finish();
        } else {
            armCloseTimer();
        }
    }

    private void armCloseTimer() {
        if (closeTimer == null && !finished.get()) {
            closeTimer = timers.schedule(this::finish, closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Ends the tunnel: both sockets closed, the backend slot released. Idempotent. */
    private void finish() {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        ScheduledFuture<?> timer = closeTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        toBackend.closeSocket();
        toClient.closeSocket();
        lease.close();
    }

    @Override
    public Duration idleTime() {
        return Duration.ZERO; // tunnels are kept alive by their own liveness rules, not Helidon's idle reaper
    }

    @Override
    public void close(boolean interrupt) {
        finish();
    }

    /** Writes to the client through Helidon's connection writer (synchronous: TCP backpressure). */
    private static final class ClientWriter extends LegWriter {
        private final ConnectionContext ctx;

        ClientWriter(ConnectionContext ctx) {
            this.ctx = ctx;
        }

        @Override
        protected void writeToSocket(byte[] b, int off, int len) {
            ctx.dataWriter().writeNow(BufferData.create(b, off, len));
        }

        @Override
        void closeSocket() {
            try {
                ctx.serverSocket().close();
            } catch (RuntimeException e) {
                // already closed
            }
        }
    }

    /** Writes to the backend socket directly (unbuffered: each relay write is one send). */
    private static final class BackendWriter extends LegWriter {
        private final Socket socket;
        private final OutputStream out;

        BackendWriter(Socket socket, OutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        @Override
        protected void writeToSocket(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        void closeSocket() {
            UpstreamDialer.closeQuietly(socket);
        }
    }
}
