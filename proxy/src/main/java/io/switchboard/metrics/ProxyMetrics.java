package io.switchboard.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.balance.Backend;
import io.switchboard.balance.Pool;
import io.switchboard.route.Routes;

/**
 * The proxy's Prometheus metrics (Micrometer's Prometheus registry, scraped at {@code /metrics}
 * on the admin listener). Names and labels follow Prometheus conventions: {@code _total} counters,
 * base units (seconds, bytes), low-cardinality labels (no user ids, no client IPs). The list is in
 * the README. Counters of a connection's bytes and frames are added when it ends, so the relay's
 * hot path does no metric work.
 */
public final class ProxyMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<Key, AtomicInteger> open = new ConcurrentHashMap<>();
    private final Map<String, Boolean> backendGauges = new ConcurrentHashMap<>();
    // meters by name and tag values: building a Meter.Id and looking it up in the registry on every
    // connection showed in profiles; a map of ready meters makes each event one hash lookup
    private final Map<Key, Counter> counters = new ConcurrentHashMap<>();
    private final Map<Key, Timer> timers = new ConcurrentHashMap<>();

    /**
     * A meter's name and its (at most two) tag values: the key a connection's events look their
     * meters up by, built without joining strings (that was most of this class's allocation).
     */
    private record Key(String name, String first, String second) {
    }

    /** Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    /** An upgrade attempt's outcome: {@code 101}, or the refusal status with a short reason word. */
    public void upgrade(int status, String reason) {
        counter("switchboard_websocket_upgrades", "WebSocket upgrade attempts by result", "status",
                Integer.toString(status), "reason", reason).increment();
    }

    /** @param tags tag names and values, alternating; at most two tags */
    private Counter counter(String name, String description, String... tags) {
        Key key = new Key(name, tags.length > 1 ? tags[1] : null, tags.length > 3 ? tags[3] : null);
        Counter known = counters.get(key); // no capturing lambda per event once the meter exists
        return known != null ? known
                : counters.computeIfAbsent(key, k -> Counter.builder(name).description(description).tags(tags).register(registry));
    }

    /** A WebSocket opened on {@code route}/{@code backend}; returns the decrement to run when it ends. */
    public Runnable opened(String route, String backend) {
        AtomicInteger count = open.computeIfAbsent(new Key("open", route, backend), k -> {
            AtomicInteger c = new AtomicInteger();
            Gauge.builder("switchboard_websockets_open", c, AtomicInteger::get).description("open WebSockets")
                    .tag("route", route).tag("backend", backend).register(registry);
            return c;
        });
        count.incrementAndGet();
        return count::decrementAndGet;
    }

    /** A WebSocket ended: its traffic, age, and how it closed. */
    public void closed(String route, long upBytes, long upFrames, long downBytes, long downFrames, Duration age,
                       String closedBy, int code) {
        count("switchboard_websocket_bytes", "WebSocket bytes relayed", "direction", "upstream", upBytes);
        count("switchboard_websocket_bytes", "WebSocket bytes relayed", "direction", "downstream", downBytes);
        count("switchboard_websocket_frames", "WebSocket frames relayed", "direction", "upstream", upFrames);
        count("switchboard_websocket_frames", "WebSocket frames relayed", "direction", "downstream", downFrames);
        counter("switchboard_websocket_closes", "WebSocket closes by who closed first and code", "closed_by", closedBy,
                "code", Integer.toString(code)).increment();
        timers.computeIfAbsent(new Key("age", route, null), k -> Timer.builder("switchboard_websocket_age")
                .description("how long WebSockets lived").tag("route", route).publishPercentileHistogram()
                .register(registry)).record(age);
        if (closedBy.endsWith("-reaped")) {
            counter("switchboard_reaps", "connections reaped for a heartbeat timeout", "leg",
                    closedBy.startsWith("client") ? "downstream" : "upstream").increment();
        }
    }

    /** A ping round trip on {@code leg} ("downstream" or "upstream"). */
    public void pingRtt(String leg, long nanos) {
        timers.computeIfAbsent(new Key("rtt", leg, null), k -> Timer.builder("switchboard_ping_rtt")
                .description("heartbeat ping round-trip time").tag("leg", leg).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry)).record(Duration.ofNanos(nanos));
    }

    /** {@code n} connections scheduled to close by a drain of {@code kind} (process, backend, reload). */
    public void drained(String kind, int n) {
        count("switchboard_drained_connections", "connections closed by drains", "kind", kind, n);
    }

    /** A plain HTTP request answered with {@code status}. */
    public void httpRequest(int status) {
        counter("switchboard_http_requests", "plain HTTP requests by status", "status", Integer.toString(status))
                .increment();
    }

    /** Exports every backend's state (1 usable, 0 ejected or drained) for the current routing table. */
    public void watchBackends(Supplier<Routes> routes) {
        for (var poolConfig : routes.get().config().pools().values()) {
            for (Backend b : routes.get().pool(poolConfig.name()).backends()) {
                String key = poolConfig.name() + "\u0000" + b.id();
                backendGauges.computeIfAbsent(key, k -> {
                    Gauge.builder("switchboard_backend_up", () -> usable(routes.get(), poolConfig.name(), b.id()))
                            .description("1 when the backend takes new connections, 0 when ejected, unhealthy or drained")
                            .tag("pool", poolConfig.name()).tag("backend", b.id()).register(registry);
                    return true;
                });
            }
        }
    }

    private static double usable(Routes routes, String poolName, String backendId) {
        Pool pool = routes.pool(poolName);
        if (pool == null) {
            return Double.NaN; // removed by a reload
        }
        return pool.backends().stream().filter(b -> b.id().equals(backendId)).findFirst()
                .map(b -> pool.isDrained(b) || pool.isEjected(b) || !pool.isHealthy(b) ? 0.0 : 1.0).orElse(Double.NaN);
    }

    private void count(String name, String description, String tag, String value, double amount) {
        counter(name, description, tag, value).increment(amount);
    }
}
