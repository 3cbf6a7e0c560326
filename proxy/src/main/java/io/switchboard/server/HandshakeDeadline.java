package io.switchboard.server;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * The second half of {@code timeouts.handshake}: a client that sent its request line must finish
 * its headers within the timeout, or its connection is closed (slowloris defence). The first half,
 * a connection that sends no request line in time (silent, or a slow request line, or an idle
 * keep-alive connection), is Helidon's idle-connection reaper, set to the same timeout.
 *
 * <p>One timer per request head on the shared scheduler, cancelled when the headers are complete.
 */
final class HandshakeDeadline implements Http1ConnectionListener {
    private final ScheduledExecutorService timers;
    private final long timeoutMillis;
    private final Map<ConnectionContext, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();

    HandshakeDeadline(ScheduledExecutorService timers, Duration timeout) {
        this.timers = timers;
        this.timeoutMillis = timeout.toMillis();
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        ScheduledFuture<?> deadline = timers.schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = pending.put(ctx, deadline);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        ScheduledFuture<?> deadline = pending.remove(ctx);
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private void expire(ConnectionContext ctx) {
        if (pending.remove(ctx) != null) {
            ctx.serverSocket().close();
        }
    }
}
