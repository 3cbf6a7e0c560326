package io.switchboard.admin;

import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;
import java.util.logging.Logger;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.switchboard.balance.Backend;
import io.switchboard.balance.Pool;
import io.switchboard.config.AdminConfig;
import io.switchboard.config.DrainConfig;
import io.switchboard.config.HostPort;
import io.switchboard.config.PoolConfig;
import io.switchboard.drain.Gate;
import io.switchboard.drain.Pacer;
import io.switchboard.drain.Registry;
import io.switchboard.metrics.ProxyMetrics;
import io.switchboard.route.Routes;

/**
 * The admin listener: a separate port (loopback by default) for health probes and operators.
 *
 * <pre>
 * GET  /health/live                                  200 while the process runs
 * GET  /health/ready                                 200, or 503 with the reason (draining, no usable backend)
 * GET  /metrics                                      Prometheus text format
 * GET  /admin/pools                                  pools, backends, state, open WebSockets per backend
 * POST /admin/pools/{pool}/backends/{backend}/drain  no new connections; open WebSockets closed (drain.close-code), paced
 * POST /admin/pools/{pool}/backends/{backend}/undrain new connections again; closes the drain had still to make are called off
 * </pre>
 * With a token configured ({@code admin.token-file} / {@code admin.token-env}; required when the
 * listener is not loopback), {@code /admin} and {@code /metrics} need
 * {@code Authorization: Bearer TOKEN}; the health endpoints stay open for probes.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("switchboard.admin");

    private final WebServer server;
    private final Supplier<Routes> routes;
    private final Gate gate;
    private final Registry registry;
    private final Pacer pacer;
    private final ProxyMetrics metrics;
    /** Per "pool backend": the closes an admin drain scheduled, called off by an undrain. */
    private final Map<String, Pacer.Batch> drainsUnderWay = new java.util.HashMap<>();

    private AdminServer(AdminConfig config, Supplier<Routes> routes, Gate gate, Registry registry, Pacer pacer,
                        ProxyMetrics metrics) {
        HostPort listen = config.listen();
        java.util.function.Supplier<byte[]> token = AdminToken.source(config);
        this.metrics = metrics;
        this.routes = routes;
        this.gate = gate;
        this.registry = registry;
        this.pacer = pacer;
        this.server = WebServer.builder()
                .host(listen.host())
                .port(listen.port())
                .shutdownHook(false)
                .routing(r -> r
                        .any("/admin/*", (req, res) -> AdminToken.check(token.get(), req, res))
                        .any("/metrics", (req, res) -> AdminToken.check(token.get(), req, res))
                        .get("/health/live", (req, res) -> json(res, 200, "{\"status\":\"UP\"}"))
                        .get("/health/ready", (req, res) -> ready(res))
                        .get("/admin/pools", (req, res) -> json(res, 200, pools()))
                        .get("/metrics", (req, res) -> {
                            res.header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                            res.send(metrics.scrape());
                        })
                        .post("/admin/pools/{pool}/backends/{backend}/drain", (req, res) -> drain(req, res, true))
                        .post("/admin/pools/{pool}/backends/{backend}/undrain", (req, res) -> drain(req, res, false)))
                .build()
                .start();
    }

    /** Starts the admin listener on {@code listen}. */
    public static AdminServer start(AdminConfig config, Supplier<Routes> routes, Gate gate, Registry registry,
                                    Pacer pacer, ProxyMetrics metrics) {
        return new AdminServer(config, routes, gate, registry, pacer, metrics);
    }

    /** The bound port. */
    public int port() {
        return server.port();
    }

    private void ready(ServerResponse res) {
        String down = gate.ready() ? (anyUsableBackend() ? null : "no pool has a usable backend") : gate.notReadyReason();
        if (down == null) {
            json(res, 200, "{\"status\":\"UP\"}");
        } else {
            json(res, 503, "{\"status\":\"DOWN\",\"reason\":" + Json.quote(down) + "}");
        }
    }

    private boolean anyUsableBackend() {
        Routes table = routes.get();
        return table.config().pools().keySet().stream().map(table::pool)
                .anyMatch(p -> p.backends().stream().anyMatch(b -> !p.isEjected(b) && !p.isDrained(b) && p.isHealthy(b)));
    }

    private String pools() {
        Routes table = routes.get();
        Map<String, Long> open = registry.countByBackend();
        StringJoiner pools = new StringJoiner(",", "{\"pools\":[", "]}");
        for (PoolConfig config : table.config().pools().values()) {
            Pool pool = table.pool(config.name());
            StringJoiner backends = new StringJoiner(",", "[", "]");
            for (Backend b : pool.backends()) {
                String state = pool.isDrained(b) ? "drained" : !pool.isHealthy(b) ? "unhealthy"
                        : pool.isEjected(b) ? "ejected" : "up";
                backends.add("{\"backend\":" + Json.quote(b.id()) + ",\"weight\":" + b.weight() + ",\"state\":\"" + state
                        + "\",\"open\":" + open.getOrDefault(config.name() + "/" + b.id(), 0L) + "}");
            }
            pools.add("{\"pool\":" + Json.quote(config.name()) + ",\"balance\":\"" + config.balance().yamlName()
                    + "\",\"backends\":" + backends + "}");
        }
        return pools.toString();
    }

    private void drain(ServerRequest req, ServerResponse res, boolean drain) {
        String poolName = req.path().pathParameters().get("pool");
        String backendId = req.path().pathParameters().get("backend");
        Routes table = routes.get();
        Pool pool = table.pool(poolName);
        Backend backend = pool == null ? null
                : pool.backends().stream().filter(b -> b.id().equals(backendId)).findFirst().orElse(null);
        if (backend == null) {
            json(res, 404, "{\"error\":" + Json.quote("no backend " + backendId + " in pool " + poolName) + "}");
            return;
        }
        pool.setDrained(backend, drain);
        String which = poolName + " " + backendId;
        DrainConfig config = table.config().drain();
        String body = "{\"pool\":" + Json.quote(poolName) + ",\"backend\":" + Json.quote(backendId);
        if (drain) {
            int closing = closeSockets(which, poolName, backendId, config);
            LOG.info("admin: backend " + backendId + " of pool " + poolName + " drained; closing " + closing
                    + " WebSockets over " + config.spread().toMillis() + "ms");
            json(res, 202, body + ",\"state\":\"drained\",\"closing\":" + closing + "}");
        } else {
            Pacer.Batch pending;
            synchronized (drainsUnderWay) {
                pending = drainsUnderWay.remove(which);
            }
            int kept = pending == null ? 0 : pending.cancel();
            LOG.info("admin: backend " + backendId + " of pool " + poolName + " undrained; " + kept
                    + " WebSockets it was still to close stay open");
            json(res, 200, body + ",\"state\":\"up\",\"closing\":0,\"kept\":" + kept + "}");
        }
    }

    /**
     * Paces the Close of the backend's open WebSockets; a socket a drain of it still has to close
     * is not scheduled again (a second POST changes nothing but the count it reports).
     *
     * @return how many are still to close, from this call and earlier ones
     */
    private int closeSockets(String which, String poolName, String backendId, DrainConfig config) {
        synchronized (drainsUnderWay) {
            Pacer.Batch earlier = drainsUnderWay.get(which);
            var sockets = registry.snapshot(d -> d.webSocket() && d.pool().equals(poolName)
                    && d.backend().equals(backendId) && (earlier == null || !earlier.isPending(d)));
            Pacer.Batch batch = pacer.pace(sockets, config.spread().toMillis(), d -> {
                d.drain(config.closeCode(), "backend drained");
                metrics.drained("backend", 1); // counted as closed, not as scheduled: an undrain calls some off
            });
            drainsUnderWay.put(which, earlier == null ? batch : earlier.and(batch));
            return batch.size() + (earlier == null ? 0 : earlier.pending());
        }
    }

    private static void json(ServerResponse res, int status, String body) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body + "\n");
    }

    @Override
    public void close() {
        server.stop();
    }
}
