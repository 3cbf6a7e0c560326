package io.switchboard.tunnel;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.switchboard.config.Limits;

/**
 * Admission control for WebSocket upgrades: a global cap on open WebSockets, a cap per client
 * IP, and a handshake rate per client IP. Open counts are exact (a map entry lives while its IP has
 * connections); handshake rates are counted in one-second windows kept in a Caffeine cache, so IPs
 * that stop coming cost nothing after a second.
 */
final class Admission {
    /** An admitted connection's slot; closing it frees the slot (idempotent). */
    interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    /** Why an upgrade was refused. */
    record Refusal(int status, String reason, String word) {
    }

    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> openPerIp = new ConcurrentHashMap<>();
    private final Cache<String, AtomicInteger> handshakesThisSecond = Caffeine.newBuilder()
            .expireAfterWrite(Duration.ofSeconds(1)).build();

    /**
     * Admits an upgrade from {@code ip} under {@code limits}.
     *
     * @param refusal receives the reason when refused
     * @return the ticket, or null when refused
     */
    Ticket admit(String ip, Limits limits, Refusal[] refusal) {
        if (limits.handshakesPerSecond() > 0
                && handshakesThisSecond.get(ip, k -> new AtomicInteger()).incrementAndGet() > limits.handshakesPerSecond()) {
            refusal[0] = new Refusal(429, "too many handshakes from " + ip + " (limit " + limits.handshakesPerSecond()
                    + "/s)", "rate_limit");
            return null;
        }
        if (limits.maxConnections() > 0 && open.incrementAndGet() > limits.maxConnections()) {
            open.decrementAndGet();
            refusal[0] = new Refusal(503, "this instance is at its connection limit (" + limits.maxConnections() + ")",
                    "max_connections");
            return null;
        } else if (limits.maxConnections() <= 0) {
            open.incrementAndGet();
        }
        AtomicInteger mine = openPerIp.compute(ip, (k, v) -> {
            AtomicInteger c = v == null ? new AtomicInteger() : v;
            c.incrementAndGet();
            return c;
        });
        if (limits.maxConnectionsPerIp() > 0 && mine.get() > limits.maxConnectionsPerIp()) {
            release(ip);
            refusal[0] = new Refusal(429, "too many connections from " + ip + " (limit " + limits.maxConnectionsPerIp() + ")",
                    "max_connections_per_ip");
            return null;
        }
        boolean[] closed = new boolean[1];
        return () -> {
            synchronized (closed) {
                if (closed[0]) {
                    return;
                }
                closed[0] = true;
            }
            release(ip);
        };
    }

    private void release(String ip) {
        open.decrementAndGet();
        openPerIp.computeIfPresent(ip, (k, c) -> c.decrementAndGet() <= 0 ? null : c);
    }
}
