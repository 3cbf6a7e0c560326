package io.switchboard.tunnel;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import io.switchboard.drain.Gate;
import io.switchboard.drain.Registry;
import io.switchboard.metrics.ProxyMetrics;
import io.switchboard.route.Routes;

/**
 * What every tunnel shares: the current routing table, the one scheduler for all timers,
 * admission state, the registry of open connections (drains, reloads) and the metrics.
 *
 * @param routes   the current routing table (swapped on reload)
 * @param timers   the shared scheduler
 * @param gate     readiness and admission while draining
 * @param registry open connections
 * @param metrics  Prometheus metrics
 */
public record TunnelServices(Supplier<Routes> routes, ScheduledExecutorService timers, Gate gate, Registry registry, ProxyMetrics metrics) {
}
