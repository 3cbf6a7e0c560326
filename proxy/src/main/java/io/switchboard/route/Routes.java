package io.switchboard.route;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import io.switchboard.balance.Backend;
import io.switchboard.balance.Pool;
import io.switchboard.balance.Policy;
import io.switchboard.config.PoolConfig;
import io.switchboard.config.ProxyConfig;
import io.switchboard.config.RouteConfig;

/**
 * The routing table: host + path to a {@link RouteTarget}, routes tried in file order, first match
 * wins. Built once per config; the pools it holds carry the live state (open counts, ejections).
 */
public final class Routes {
    private final ProxyConfig config;
    private final Map<String, Pool> pools = new HashMap<>();

    /**
     * Builds the table and one live {@link Pool} per configured pool.
     *
     * @param config the loaded config
     * @param clock  nanosecond clock for ejection timing ({@code System::nanoTime} in production)
     */
    public Routes(ProxyConfig config, LongSupplier clock) {
        this(config, clock, null);
    }

    /**
     * Builds the table for a reloaded config: a pool whose config did not change is carried over
     * as it is; a changed one is rebuilt, each backend it still lists keeping its live state (open
     * connections, ejection, an operator's drain, health), so a reload or a DNS change elsewhere in
     * the pool neither undoes a drain mid-deploy nor makes least-connections and bounded load blind
     * to the connections already open.
     */
    public Routes(ProxyConfig config, LongSupplier clock, Routes previous) {
        this.config = config;
        for (PoolConfig p : config.pools().values()) {
            boolean unchanged = previous != null && p.equals(previous.config.pools().get(p.name()));
            pools.put(p.name(), unchanged ? previous.pool(p.name())
                    : newPool(p, clock, previous == null ? null : previous.pool(p.name())));
        }
    }

    private static Pool newPool(PoolConfig p, LongSupplier clock, Pool previous) {
        List<Backend> backends = p.backends().stream().map(b -> new Backend(b.id(), b.weight())).toList();
        return new Pool(p.name(), backends, policy(p), p.boundedLoad(), p.ejectFor(), clock, previous);
    }

    private static Policy policy(PoolConfig p) {
        return switch (p.balance()) {
            case CONSISTENT_HASH -> Policy.CONSISTENT_HASH;
            case ROUND_ROBIN -> Policy.ROUND_ROBIN;
            case LEAST_CONNECTIONS -> Policy.LEAST_CONNECTIONS;
        };
    }

    /**
     * The first route matching the request's host and path.
     *
     * @return the target, or null when no route matches (the caller answers 404)
     */
    public RouteTarget match(RequestInfo request) {
        RouteConfig route = config.route(request.host(), request.path());
        if (route == null) {
            return null;
        }
        return new RouteTarget(route, config.pools().get(route.pool()), pools.get(route.pool()));
    }

    /** The live pool of this name, or null. */
    public Pool pool(String name) {
        return pools.get(name);
    }

    /**
     * Whether a WebSocket on {@code backendId} of pool {@code poolName} may stay: the pool is in
     * this table, lists the backend, and the backend is not drained (admin API).
     */
    public boolean keeps(String poolName, String backendId) {
        Backend b = listed(poolName, backendId);
        return b != null && !pools.get(poolName).isDrained(b);
    }

    /** Whether pool {@code poolName} is in this table and lists {@code backendId}, drained or not. */
    public boolean lists(String poolName, String backendId) {
        return listed(poolName, backendId) != null;
    }

    private Backend listed(String poolName, String backendId) {
        Pool pool = pools.get(poolName);
        if (pool != null) {
            for (Backend b : pool.backends()) {
                if (b.id().equals(backendId)) {
                    return b;
                }
            }
        }
        return null;
    }

    /** The config this table was built from. */
    public ProxyConfig config() {
        return config;
    }
}
