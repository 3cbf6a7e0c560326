package io.switchboard.drain;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.switchboard.config.DrainConfig;
import io.switchboard.metrics.ProxyMetrics;
import io.switchboard.ws.CloseCodes;

/**
 * The drain of the whole process, as Kubernetes asks for it with SIGTERM:
 * <ol>
 * <li>readiness goes DOWN at once;</li>
 * <li>for {@code drain.delay} new upgrades are still accepted (load balancers need that long to
 * notice); then they get 503 with {@code Retry-After}, and HTTP responses carry
 * {@code Connection: close};</li>
 * <li>every open WebSocket gets Close {@code drain.close-code} at a frame boundary, paced evenly
 * with jitter over {@code drain.spread}; an upgrade whose dial was under way when new ones
 * started being refused gets it as soon as it opens;</li>
 * <li>it ends when nothing is open, or at {@code drain.deadline} (counted from the signal) after
 * aborting what is left.</li>
 * </ol>
 * A second signal skips the delay and the pacing: everything gets its Close frame now.
 */
public final class ProcessDrain {
    private static final Logger LOG = Logger.getLogger("switchboard.drain");

    private final Gate gate;
    private final Registry registry;
    private final Pacer pacer;
    private final java.util.function.Supplier<DrainConfig> configs; // the current config's: a reload may change it
    private final ProxyMetrics metrics;
    private final CountDownLatch hurry = new CountDownLatch(1);
    private volatile boolean started;

    public ProcessDrain(Gate gate, Registry registry, Pacer pacer, java.util.function.Supplier<DrainConfig> configs,
                        ProxyMetrics metrics) {
        this.metrics = metrics;
        this.gate = gate;
        this.registry = registry;
        this.pacer = pacer;
        this.configs = configs;
    }

    /** True once a drain has begun. */
    public boolean started() {
        return started;
    }

    /** A second signal: skip what is left of the delay and the pacing. */
    public void hurry() {
        hurry.countDown();
        pacer.hurry();
    }

    /**
     * Runs the drain on the calling thread.
     *
     * @param paced false to skip delay and pacing (an interactive Ctrl-C)
     * @return how many connections had to be aborted at the deadline (0: all closed cleanly)
     */
    public int run(boolean paced) throws InterruptedException {
        started = true;
        DrainConfig config = configs.get(); // the settings of the config running now, reloads included
        long deadline = System.nanoTime() + config.deadline().toNanos();
        int open = registry.size();
        gate.notReady("draining");
        LOG.info("drain: readiness DOWN; " + open + " open connections; delay " + ms(config.delay())
                + ", spread " + ms(config.spread()) + ", deadline " + ms(config.deadline()));
        if (paced) {
            hurry.await(config.delay().toMillis(), TimeUnit.MILLISECONDS);
        }
        gate.refuse();
        var items = registry.snapshot(d -> true);
        String reason = config.closeCode() == CloseCodes.SERVICE_RESTART ? "service restart" : "going away";
        long spread = paced && hurry.getCount() > 0 ? config.spread().toMillis() : 0;
        metrics.drained("process", pacer.pace(items, spread, d -> d.drain(config.closeCode(), reason)).size());
        LOG.info("drain: new upgrades refused; closing " + items.size() + " connections over " + spread + "ms");
        Set<Drainable> told = Collections.newSetFromMap(new IdentityHashMap<>());
        told.addAll(items);
        while ((registry.size() > 0 || registry.opening() > 0 || registry.requests() > 0) && System.nanoTime() < deadline) {
            // an upgrade whose dial was under way at the signal opens after the snapshot: it is
            // waited for and told at once, not cut off by the exit (or at the deadline)
            for (Drainable late : registry.snapshot(d -> !told.contains(d))) {
                told.add(late);
                late.drain(config.closeCode(), reason);
                metrics.drained("process", 1);
            }
            Thread.sleep(50);
        }
        var left = registry.snapshot(d -> true);
        left.forEach(Drainable::abort);
        LOG.info("drain: done; " + (told.size() - left.size()) + " closed cleanly, " + left.size()
                + " forced at the deadline");
        return left.size();
    }

    private static String ms(Duration d) {
        return d.toMillis() + "ms";
    }
}
