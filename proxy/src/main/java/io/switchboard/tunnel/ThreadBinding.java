package io.switchboard.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.ConnectionContext;
import io.switchboard.ws.CloseCodes;

/**
 * The blocking alternative to {@link LoopBinding}, for a tunnel with a TLS leg (the event loop
 * reads plain channels only): client-to-backend reads on Helidon's thread for the connection,
 * backend-to-client on a second virtual thread, each blocking, so a slow reader slows only its
 * own writer (TCP backpressure). The relays they feed are the same as on the loop.
 */
final class ThreadBinding {
    /** Largest single read from a backend: bounds the buffer a busy tunnel allocates per wake-up. */
    private static final int MAX_READ = 64 * 1024;
    private final TunnelConnection tunnel;
    private final ConnectionContext ctx;
    private final Socket backendSocket;
    private final byte[] early;

    /** @param early bytes the backend sent with its 101, relayed first */
    ThreadBinding(TunnelConnection tunnel, ConnectionContext ctx, Socket backendSocket, byte[] early) {
        this.tunnel = tunnel;
        this.ctx = ctx;
        this.backendSocket = backendSocket;
        this.early = early;
    }

    /** Relays both directions until both inputs ended; on Helidon's thread. */
    void run() throws InterruptedException {
        Future<?> upstreamThread = ctx.executor().submit(this::relayUpstream);
        relayDownstream();
        try {
            upstreamThread.get();
        } catch (ExecutionException e) {
            // the upstream relay catches what it expects; the tunnel is finished by the caller
        }
    }

    /** Client to backend, on the connection's thread. */
    private void relayDownstream() {
        try {
            DataReader reader = ctx.dataReader();
            while (!tunnel.isFinished()) {
                BufferData data = reader.readBuffer();
                byte[] chunk = new byte[data.available()];
                data.read(chunk);
                tunnel.received(Side.DOWNSTREAM, chunk, chunk.length);
            }
        } catch (FrameScanner.TooBigException e) {
            tunnel.closing().failLeg(Side.DOWNSTREAM, CloseCodes.TOO_BIG, "message too big", "too-big");
        } catch (FrameScanner.MalformedFrameException e) {
            tunnel.closing().failLeg(Side.DOWNSTREAM, CloseCodes.PROTOCOL_ERROR, "malformed frame", "protocol-error");
        } catch (RuntimeException e) {
            // EOF (InsufficientDataAvailableException), reset, or the tunnel's end closing the socket
        }
        tunnel.closing().inputEnded(Side.DOWNSTREAM);
    }

    /**
     * Backend to client, on a second virtual thread. An idle tunnel holds no read buffer: the
     * thread parks on a one-byte read and sizes a buffer to what has arrived once it wakes, so
     * memory follows traffic rather than the number of open sockets.
     */
    private void relayUpstream() {
        try {
            if (early.length > 0) {
                tunnel.received(Side.UPSTREAM, early, early.length);
            }
            tunnel.opened();
            InputStream in = backendSocket.getInputStream();
            int first;
            while ((first = in.read()) >= 0) {
                byte[] buf = new byte[Math.min(MAX_READ, 1 + in.available())];
                buf[0] = (byte) first;
                int n = buf.length > 1 ? in.read(buf, 1, buf.length - 1) : 0;
                tunnel.received(Side.UPSTREAM, buf, 1 + Math.max(0, n));
            }
        } catch (FrameScanner.MalformedFrameException e) {
            tunnel.closing().failLeg(Side.UPSTREAM, CloseCodes.PROTOCOL_ERROR, "malformed frame", "protocol-error");
        } catch (IOException | RuntimeException e) {
            // reset or the tunnel's end closing the socket
        }
        tunnel.closing().inputEnded(Side.UPSTREAM);
    }
}
