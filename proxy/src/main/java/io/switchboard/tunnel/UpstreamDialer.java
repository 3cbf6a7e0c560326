package io.switchboard.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.net.SocketTimeoutException;
import java.util.Optional;

import io.switchboard.balance.Backend;
import io.switchboard.balance.Lease;
import io.switchboard.config.BackendTls;
import io.switchboard.config.HostPort;
import io.switchboard.config.Timeouts;
import io.switchboard.http.UpstreamTls;

/**
 * Opens the upstream leg of a WebSocket on the calling thread, blocking: walks the
 * {@link DialPlan}'s candidates, connects with the connect timeout, sends the upgrade and reads
 * the backend's answer within the upstream-handshake timeout. A connect failure or a 5xx before
 * the 101 moves on to the next candidate, because nothing has reached the client yet. Used when
 * a leg has TLS (or the client's connection cannot leave Helidon's thread); plain-TCP dials run on
 * the event loop instead ({@link LoopDialer}), with the same plan and the same outcomes.
 */
final class UpstreamDialer {
    /** The result of a dial: exactly one of the three records below. */
    sealed interface Outcome permits Upgraded, Answered, Failed {
    }

    /**
     * The backend switched protocols; the connection now carries frames.
     *
     * @param connection a blocking {@link Socket} (the thread path, TLS included) or the event loop's
     *                   {@link SocketChannel}
     */
    record Upgraded(java.io.Closeable connection, Backend backend, Lease lease, ResponseHead head) implements Outcome {
        /** The blocking socket, or null for a socket of the event loop's own. */
        Socket socket() {
            return connection instanceof Socket s ? s : null;
        }

        /** The channel the event loop can serve (plain TCP), or null (a TLS socket). */
        SocketChannel channel() {
            return connection instanceof SocketChannel c ? c : ((Socket) connection).getChannel();
        }
    }

    /**
     * The backend refused with a non-5xx status that the client should see as is.
     *
     * @param body what arrived of the body (see {@link ResponseHead#bodyWanted()}); the socket is closed
     */
    record Answered(Backend backend, ResponseHead head, byte[] body) implements Outcome {
    }

    /** No backend could take the connection; the client gets {@code status}. */
    /**
     * No backend took the upgrade.
     *
     * @param reason what the client is told: the pool, never a backend's address or an error's text
     * @param detail what the access log records: each backend tried and why it failed
     */
    record Failed(int status, String reason, String detail) implements Outcome {
    }

    private UpstreamDialer() {
    }

    static Outcome dial(DialPlan plan, byte[] requestHead, Optional<BackendTls> tls) {
        for (Backend backend = plan.next(); backend != null; backend = plan.next()) {
            Socket socket;
            try {
                // plain TCP goes through a channel so the established tunnel can join an event loop;
                // TLS layers on a classic socket and keeps its tunnel's two threads
                socket = tls.isPresent() ? new Socket() : SocketChannel.open().socket();
            } catch (IOException e) {
                plan.failed(backend, "no socket (" + e.getMessage() + ")");
                continue;
            }
            try {
                connect(socket, plan);
            } catch (IOException e) {
                plan.connectFailed(backend, e.getMessage());
                closeQuietly(socket);
                continue;
            }
            plan.connected(backend);
            if (tls.isPresent()) {
                try {
                    // a certificate problem is not an outage: the backend is not ejected for it
                    HostPort hp = HostPort.parse(backend.id());
                    socket = UpstreamTls.wrap(socket, hp.host(), hp.port(), tls.get());
                } catch (IOException e) {
                    plan.failed(backend, "TLS handshake failed (" + e.getMessage() + ")");
                    closeQuietly(socket);
                    continue;
                }
            }
            try {
                socket.getOutputStream().write(requestHead);
                ResponseHead head = ResponseHead.read(socket.getInputStream());
                if (head.status() == 101) {
                    socket.setSoTimeout(0);
                    return new Upgraded(socket, backend, plan.acquire(backend), head);
                }
                if (head.status() < 500) {
                    byte[] body = readBody(head, socket.getInputStream());
                    closeQuietly(socket);
                    plan.release();
                    return new Answered(backend, head, body);
                }
                plan.failed(backend, "answered " + head.status());
            } catch (SocketTimeoutException e) {
                plan.timedOut(backend);
            } catch (IOException e) {
                plan.failed(backend, e.getMessage());
            }
            closeQuietly(socket);
        }
        return plan.failure();
    }

    private static void connect(Socket socket, DialPlan plan) throws IOException {
        Timeouts timeouts = plan.timeouts();
        socket.setTcpNoDelay(true);
        TcpKeepAlive.apply(socket);
        // durations reach a year; a socket timeout is an int of milliseconds (about 24 days)
        socket.connect(plan.address(), (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()));
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(1, timeouts.upstreamHandshake().toMillis())));
    }

    /** Reads the rest of a refused upgrade's body, up to its Content-Length or EOF. */
    private static byte[] readBody(ResponseHead head, InputStream in) {
        long want = head.bodyWanted();
        var out = new java.io.ByteArrayOutputStream();
        out.write(head.leftover(), 0, (int) Math.min(want, head.leftover().length));
        try {
            byte[] buf = new byte[4096];
            while (out.size() < want) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, want - out.size()));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            // relay what arrived; the client sees a short body rather than a hang
        }
        return out.toByteArray();
    }

    static void closeQuietly(java.io.Closeable socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
