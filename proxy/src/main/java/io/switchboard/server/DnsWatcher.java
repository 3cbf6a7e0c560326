package io.switchboard.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

import io.switchboard.config.BackendConfig;
import io.switchboard.config.DnsResolver;
import io.switchboard.config.PoolConfig;
import io.switchboard.config.ProxyConfig;
import io.switchboard.route.Routes;

/**
 * Re-resolves the {@code dns:} name of every pool that has one, every {@code dns-interval}, and
 * applies a changed address list through the {@link Reloader} (the same atomic swap and paced
 * draining as a config reload). A name that stops resolving keeps the last list: an empty pool
 * would turn a DNS hiccup into an outage.
 */
final class DnsWatcher {
    private static final Logger LOG = Logger.getLogger("switchboard.dns");

    private final Supplier<Routes> routes;
    private final Reloader reloader;
    private final Map<String, Long> nextAt = new ConcurrentHashMap<>();

    private DnsWatcher(Supplier<Routes> routes, Reloader reloader) {
        this.routes = routes;
        this.reloader = reloader;
    }

    static void start(Supplier<Routes> routes, Reloader reloader, ScheduledExecutorService timers) {
        DnsWatcher w = new DnsWatcher(routes, reloader);
        // the resolution itself blocks, so it runs on a virtual thread, never on the timer thread
        timers.scheduleWithFixedDelay(() -> Thread.startVirtualThread(w::check), 1, 1, TimeUnit.SECONDS);
    }

    private synchronized void check() {
        ProxyConfig config = routes.get().config();
        long now = System.nanoTime();
        Map<String, Reloader.Resolved> changed = new LinkedHashMap<>();
        for (PoolConfig pool : config.pools().values()) {
            if (pool.dns().isEmpty() || now - nextAt.getOrDefault(pool.name(), 0L) < 0) {
                continue;
            }
            nextAt.put(pool.name(), now + pool.dnsInterval().toNanos());
            List<BackendConfig> resolved = DnsResolver.resolve(pool.dns().get());
            if (resolved.isEmpty()) {
                LOG.warning("dns: " + pool.dns().get().host() + " of pool " + pool.name() + " resolves to nothing; "
                        + "keeping " + pool.backends().size() + " backends");
            } else if (!resolved.equals(pool.backends())) {
                LOG.info("dns: pool " + pool.name() + " now has " + resolved.stream().map(BackendConfig::id).toList());
                changed.put(pool.name(), new Reloader.Resolved(pool.dns().get(), resolved));
            }
        }
        if (!changed.isEmpty()) {
            // applied to the config running then, not to this snapshot: a file reload may have
            // landed while the names were being resolved, and must not be undone
            reloader.applyResolved(changed);
        }
    }
}
