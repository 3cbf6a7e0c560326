package io.switchboard.route;

import io.switchboard.balance.Pool;
import io.switchboard.config.PoolConfig;
import io.switchboard.config.RouteConfig;

/**
 * A matched route with its live pool.
 *
 * @param route  the route from the config
 * @param config the pool's config (sticky key, attempts)
 * @param pool   the pool's live state (balancing, ejection, open counts)
 */
public record RouteTarget(RouteConfig route, PoolConfig config, Pool pool) {
    /** The sticky key for {@code request}, or null for "rotate". */
    public String stickyKey(RequestInfo request) {
        return StickyKeys.extract(config.hashKeys(), config.fallback(), request);
    }
}
