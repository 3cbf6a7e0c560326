package io.switchboard.tunnel;

import java.util.concurrent.ScheduledExecutorService;

import io.switchboard.drain.Gate;
import io.switchboard.drain.Registry;
import io.switchboard.metrics.ProxyMetrics;

/**
 * What every tunnel shares: the one scheduler for all timers, admission state, the registry of
 * open connections (drains, reloads) and the metrics.
 *
 * @param timers   the shared scheduler
 * @param gate     readiness and admission while draining
 * @param registry open connections
 * @param metrics  Prometheus metrics
 */
public record TunnelServices(ScheduledExecutorService timers, Gate gate, Registry registry, ProxyMetrics metrics) {
}
