package io.switchboard.server;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import io.switchboard.balance.Policy;
import io.switchboard.balance.Pool;
import io.switchboard.config.BackendConfig;
import io.switchboard.config.ConfigError;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.DrainConfig;
import io.switchboard.config.HostPort;
import io.switchboard.config.PoolConfig;
import io.switchboard.config.ProxyConfig;
import io.switchboard.drain.Drainable;
import io.switchboard.drain.Pacer;
import io.switchboard.drain.Registry;
import io.switchboard.metrics.ProxyMetrics;
import io.switchboard.route.Routes;

/**
 * Hot reload: re-reads the config file when it changes (or on SIGHUP). An invalid file is
 * rejected with the same errors as {@code check} and nothing changes. A valid one is applied
 * atomically: new connections use it at once; open WebSockets whose pool and backend still exist
 * are not touched; those on a removed backend or pool are closed with 1012, paced over
 * {@code drain.spread}; with {@code drain.rebalance: paced}, those whose owner changed (a backend
 * was added) are moved the same way. The listener addresses cannot change without a restart.
 */
final class Reloader {
    private static final Logger LOG = Logger.getLogger("switchboard.reload");

    private final Path file;
    private final AtomicReference<Routes> routes;
    private final Registry registry;
    private final Pacer pacer;
    private final ProxyMetrics metrics;
    private byte[] lastSeen;

    Reloader(Path file, AtomicReference<Routes> routes, Registry registry, Pacer pacer, ProxyMetrics metrics) {
        this.metrics = metrics;
        this.file = file;
        this.routes = routes;
        this.registry = registry;
        this.pacer = pacer;
        this.lastSeen = file == null ? new byte[0] : read(file);
    }

    private static byte[] read(Path file) {
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** Re-reads the file and applies it when valid. Thread-safe: one reload at a time. */
    synchronized boolean reload() {
        if (file == null) {
            return false;
        }
        ProxyConfig next;
        try {
            next = ConfigLoader.load(file);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                LOG.warning("reload rejected: " + error);
            }
            LOG.warning("reload rejected: " + e.errors().size() + " errors; the running config stays");
            return false;
        }
        if (!next.listen().equals(routes.get().config().listen()) || !next.admin().equals(routes.get().config().admin())
                || next.accept() != routes.get().config().accept() || next.loopIo() != routes.get().config().loopIo()) {
            LOG.warning("reload: listen/admin addresses, accept or loop-io changed; that needs a restart, the old ones stay");
        }
        apply(next, "reload");
        return true;
    }

    /** What a pool's {@code dns:} name resolved to. */
    record Resolved(HostPort name, List<BackendConfig> backends) {
    }

    /**
     * Applies DNS answers to the config running now: each pool that still has the name resolved
     * gets the new backends (a reload in between may have changed or removed it; then the answer
     * is dropped, and the next resolution starts from the new config).
     */
    synchronized void applyResolved(Map<String, Resolved> answers) {
        ProxyConfig config = routes.get().config();
        Map<String, PoolConfig> pools = new LinkedHashMap<>(config.pools());
        boolean any = false;
        for (var e : answers.entrySet()) {
            PoolConfig pool = pools.get(e.getKey());
            if (pool != null && pool.dns().equals(Optional.of(e.getValue().name()))
                    && !pool.backends().equals(e.getValue().backends())) {
                pools.put(pool.name(), pool.withBackends(e.getValue().backends()));
                any = true;
            }
        }
        if (any) {
            apply(config.withPools(pools), "dns change");
        }
    }

    /**
     * Applies {@code next} atomically (a reload, or a DNS change of a pool's backends): new
     * connections use it at once; open WebSockets on removed backends are drained, paced, and with
     * {@code rebalance: paced} those whose owner changed are moved.
     */
    synchronized void apply(ProxyConfig next, String why) {
        Routes current = routes.get();
        Routes fresh = new Routes(next, System::nanoTime, current);
        routes.set(fresh);
        io.switchboard.log.AccessLog.configure(next.log());
        metrics.watchBackends(routes::get);
        int removed = pace(d -> !fresh.lists(d.pool(), d.backend()), next.drain(), "backend removed");
        int moved = next.drain().rebalance() == DrainConfig.Rebalance.PACED
                ? pace(d -> fresh.lists(d.pool(), d.backend()) && movedBy(current, fresh, d), next.drain(), "rebalance") : 0;
        LOG.info(why + " applied: " + next.pools().size() + " pools, " + next.routes().size() + " routes; closing "
                + removed + " WebSockets on removed backends and " + moved + " moved by rebalance over "
                + next.drain().spread().toMillis() + "ms");
    }

    private int pace(java.util.function.Predicate<Drainable> which, DrainConfig drain, String reason) {
        List<Drainable> affected = registry.snapshot(d -> d.webSocket() && which.test(d));
        int n = pacer.pace(affected, drain.spread().toMillis(), d -> d.drain(drain.closeCode(), reason)).size();
        metrics.drained("reload", n);
        return n;
    }

    /**
     * Whether this change moved {@code d}'s owner away from it: a consistent-hash pool whose ring
     * gave {@code d}'s key to its backend before and to another one now. Connections in other
     * pools have no owner to return to (round robin, least connections), and one already away from
     * its owner (placed by failover, an ejection or the bounded load) was not moved by this change,
     * so a reload that changes nothing about a pool's backends closes nothing there.
     */
    private static boolean movedBy(Routes before, Routes after, Drainable d) {
        if (d.stickyKey() == null || after.pool(d.pool()).policy() != Policy.CONSISTENT_HASH) {
            return false;
        }
        Pool old = before.pool(d.pool());
        var was = old == null ? null : old.owner(d.stickyKey());
        var now = after.pool(d.pool()).owner(d.stickyKey());
        return was != null && now != null && was.id().equals(d.backend()) && !now.id().equals(d.backend());
    }

    /** Watches the file's directory and reloads after a change (editors replace files; ConfigMaps swap links). */
    void watch() {
        Thread.ofPlatform().daemon().name("switchboard-config-watch").start(() -> {
            Path dir = file.toAbsolutePath().getParent();
            try (WatchService ws = FileSystems.getDefault().newWatchService()) {
                dir.register(ws, StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE);
                // an edit between the start's load and this registration made no event: look once now
                boolean first = true;
                while (true) {
                    if (!first) {
                        WatchKey key = ws.take();
                        Thread.sleep(200); // let the writer finish; several events become one reload
                        key.pollEvents();
                        key.reset();
                    }
                    first = false;
                    byte[] now = read(file);
                    if (!java.util.Arrays.equals(now, lastSeen)) { // another file of the directory, or a touch
                        lastSeen = now;
                        try {
                            reload();
                        } catch (RuntimeException e) {
                            // a bug in applying one config must not end the watching: later edits still reload
                            LOG.log(java.util.logging.Level.WARNING, "reload failed: " + e, e);
                        }
                    }
                }
            } catch (IOException e) {
                LOG.warning("config watch unavailable (" + e.getMessage() + "); SIGHUP still reloads");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
