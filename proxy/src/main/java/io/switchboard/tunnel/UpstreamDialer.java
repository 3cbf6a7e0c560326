package io.switchboard.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

import io.switchboard.balance.Backend;
import io.switchboard.balance.Lease;
import io.switchboard.balance.Pool;
import io.switchboard.config.HostPort;
import io.switchboard.config.Timeouts;
import io.switchboard.http.UpstreamTls;
import io.switchboard.route.RouteTarget;

/**
 * Opens the upstream leg of a WebSocket: walks the pool's candidates for the sticky key (owner
 * first), connects with the connect timeout, sends the upgrade and reads the backend's answer
 * within the upstream-handshake timeout. A connect failure or a 5xx before the 101 moves on to the
 * next candidate, up to the pool's {@code attempts}, because nothing has reached the client yet.
 */
final class UpstreamDialer {
    /** The result of a dial: exactly one of the three records below. */
    sealed interface Outcome permits Upgraded, Answered, Failed {
    }

    /** The backend switched protocols; the socket now carries frames. */
    record Upgraded(Socket socket, Backend backend, Lease lease, ResponseHead head) implements Outcome {
    }

    /** The backend refused with a non-5xx status that the client should see as is. */
    record Answered(Socket socket, Backend backend, ResponseHead head) implements Outcome {
    }

    /** No backend could take the connection; the client gets {@code status}. */
    record Failed(int status, String reason) implements Outcome {
    }

    private final Timeouts timeouts;


    UpstreamDialer(Timeouts timeouts) {
        this.timeouts = timeouts;
    }

    Outcome dial(RouteTarget target, String stickyKey, byte[] requestHead) {
        Pool pool = target.pool();
        List<Backend> candidates = pool.candidates(stickyKey);
        if (candidates.isEmpty()) {
            return new Failed(503, "pool '" + pool.name() + "' has no usable backend");
        }
        int attempts = Math.min(target.config().attempts(), candidates.size());
        List<String> failures = new ArrayList<>();
        int timeoutCount = 0;
        for (Backend backend : candidates.subList(0, attempts)) {
            Socket socket;
            try {
                // plain TCP goes through a channel so the established tunnel can join an event loop;
                // TLS layers on a classic socket and keeps its tunnel's two threads
                socket = target.config().tls().isPresent() ? new Socket() : SocketChannel.open().socket();
            } catch (IOException e) {
                failures.add(backend.id() + ": no socket (" + e.getMessage() + ")");
                continue;
            }
            try {
                connect(socket, backend);
            } catch (IOException e) {
                pool.reportFailure(backend);
                failures.add(backend.id() + ": connect failed (" + e.getMessage() + ")");
                closeQuietly(socket);
                continue;
            }
            pool.reportSuccess(backend);
            if (target.config().tls().isPresent()) {
                try {
                    // a certificate problem is not an outage: the backend is not ejected for it
                    HostPort hp = HostPort.parse(backend.id());
                    socket = UpstreamTls.wrap(socket, hp.host(), hp.port(), target.config().tls().get());
                } catch (IOException e) {
                    failures.add(backend.id() + ": TLS handshake failed (" + e.getMessage() + ")");
                    closeQuietly(socket);
                    continue;
                }
            }
            try {
                socket.getOutputStream().write(requestHead);
                ResponseHead head = ResponseHead.read(socket.getInputStream());
                if (head.status() == 101) {
                    socket.setSoTimeout(0);
                    return new Upgraded(socket, backend, pool.acquire(backend), head);
                }
                if (head.status() < 500) {
                    return new Answered(socket, backend, head);
                }
                failures.add(backend.id() + ": answered " + head.status());
            } catch (SocketTimeoutException e) {
                timeoutCount++;
                failures.add(backend.id() + ": no answer to the upgrade within " + timeouts.upstreamHandshake().toMillis() + "ms");
            } catch (IOException e) {
                failures.add(backend.id() + ": " + e.getMessage());
            }
            closeQuietly(socket);
        }
        String reason = "no backend of pool '" + pool.name() + "' accepted the upgrade: " + String.join("; ", failures);
        // 504 when every backend tried accepted TCP but never answered; 502 for anything else
        return new Failed(timeoutCount == failures.size() ? 504 : 502, reason);
    }

    private void connect(Socket socket, Backend backend) throws IOException {
        HostPort hp = HostPort.parse(backend.id());
        socket.setTcpNoDelay(true);
        TcpKeepAlive.apply(socket);
        socket.connect(new InetSocketAddress(hp.host(), hp.port()), (int) timeouts.connect().toMillis());
        socket.setSoTimeout((int) Math.max(1, timeouts.upstreamHandshake().toMillis()));
    }

    /** Reads the rest of a refused upgrade's body, up to its Content-Length or EOF. */
    static byte[] readBody(Answered answered) {
        ResponseHead head = answered.head();
        String length = head.header("Content-Length");
        long want = length == null ? Long.MAX_VALUE : Long.parseLong(length.trim());
        var out = new java.io.ByteArrayOutputStream();
        out.write(head.leftover(), 0, (int) Math.min(want, head.leftover().length));
        try {
            InputStream in = answered.socket().getInputStream();
            byte[] buf = new byte[4096];
            while (out.size() < want && out.size() < 1024 * 1024) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, want - out.size()));
                if (n < 0) {
                    break;
                }
                out.write(buf, 0, n);
            }
        } catch (IOException | NumberFormatException e) {
            // relay what arrived; the client sees a short body rather than a hang
        }
        return out.toByteArray();
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
