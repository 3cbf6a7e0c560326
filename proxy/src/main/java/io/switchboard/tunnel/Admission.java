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
 *
 * <p>An IPv6 client is counted by its /64: one host is routinely given a whole /64 and picks a
 * fresh address in it at will (RFC 8981 temporary addresses), so a limit per address would not
 * limit it. An IPv4-mapped address counts as its IPv4 address.
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
    Ticket admit(String address, Limits limits, Refusal[] refusal) {
        String ip = clientKey(address);
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

    /** The address a client's limits are counted under: an IPv4 address, or an IPv6 address's /64 prefix. */
    static String clientKey(String ip) {
        if (ip.indexOf(':') < 0) {
            return ip;
        }
        java.net.InetAddress address;
        try {
            // a literal (host names hold no colon), so this parses and never asks DNS
            address = java.net.InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            return ip;
        }
        if (address instanceof java.net.Inet4Address) {
            return address.getHostAddress(); // ::ffff:a.b.c.d
        }
        byte[] bytes = address.getAddress();
        StringBuilder prefix = new StringBuilder(24);
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return prefix.append(":/64").toString();
    }

    private void release(String ip) {
        open.decrementAndGet();
        openPerIp.computeIfPresent(ip, (k, c) -> c.decrementAndGet() <= 0 ? null : c);
    }
}
