package io.switchboard.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

import io.switchboard.balance.Backend;
import io.switchboard.balance.Pool;
import io.switchboard.config.HealthCheck;
import io.switchboard.config.HostPort;
import io.switchboard.config.PoolConfig;
import io.switchboard.route.Routes;
import io.switchboard.ws.Frames;
import io.switchboard.ws.Handshake;

/**
 * Active health checks: every pool with a {@code health-check} has each backend probed every
 * {@code interval} (an HTTP GET expecting 2xx, or a WebSocket handshake expecting 101), on virtual
 * threads started from the shared scheduler. {@code fall} failures in a row take a backend out of
 * its pool's candidates; {@code rise} successes in a row bring it back (and its keys with it).
 * Backends start healthy. State changes are logged and show in the admin API and the metrics.
 */
public final class HealthChecker {
    private static final Logger LOG = Logger.getLogger("switchboard.health");
    private static final long TICK_MILLIS = 100;

    private final Supplier<Routes> routes;
    private final Map<String, ProbeState> states = new ConcurrentHashMap<>();
    private Routes checked; // the table the states were last pruned for (tick runs on one thread)

    /** Per backend: when the next probe is due, the streaks, and whether one is running. */
    private static final class ProbeState {
        long nextAt;
        int successes;
        int failures;
        volatile boolean running;
    }

    HealthChecker(Supplier<Routes> routes) {
        this.routes = routes;
    }

    /** Starts checking the pools of the current routing table (re-read on every tick, so reloads apply). */
    public static HealthChecker start(Supplier<Routes> routes, ScheduledExecutorService timers) {
        HealthChecker checker = new HealthChecker(routes);
        timers.scheduleWithFixedDelay(checker::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
        return checker;
    }

    void tick() {
        Routes table = routes.get();
        if (table != checked) {
            prune(table); // a reload or a DNS change replaced the table: forget backends it no longer has
            checked = table;
        }
        long now = System.nanoTime();
        for (PoolConfig config : table.config().pools().values()) {
            if (config.healthCheck().isEmpty()) {
                continue;
            }
            HealthCheck check = config.healthCheck().get();
            Pool pool = table.pool(config.name());
            for (Backend b : pool.backends()) {
                ProbeState state = states.computeIfAbsent(key(config, b), k -> new ProbeState());
                if (!state.running && now - state.nextAt >= 0) {
                    state.running = true;
                    state.nextAt = now + check.interval().toNanos();
                    Thread.startVirtualThread(() -> probe(config, pool, b, check, state));
                }
            }
        }
    }

    /** Drops the state of every backend no checked pool of {@code table} lists (pods come and go under DNS discovery). */
    private void prune(Routes table) {
        java.util.Set<String> listed = new java.util.HashSet<>();
        for (PoolConfig config : table.config().pools().values()) {
            if (config.healthCheck().isPresent()) {
                table.pool(config.name()).backends().forEach(b -> listed.add(key(config, b)));
            }
        }
        states.keySet().retainAll(listed);
    }

    private static String key(PoolConfig config, Backend b) {
        return config.name() + "/" + b.id();
    }

    /** How many backends have probe state (tests). */
    int tracked() {
        return states.size();
    }

    private void probe(PoolConfig config, Pool pool, Backend b, HealthCheck check, ProbeState state) {
        String failure;
        try {
            failure = probeOnce(HostPort.parse(b.id()), check, config.tls().orElse(null));
        } catch (RuntimeException e) {
            failure = e.toString();
        }
        synchronized (state) {
            if (failure == null) {
                state.failures = 0;
                if (++state.successes >= check.rise() && !pool.isHealthy(b)) {
                    pool.setHealthy(b, true);
                    LOG.info("health: backend " + b.id() + " of pool " + pool.name() + " is UP (" + check.rise()
                            + " good probes)");
                }
            } else {
                state.successes = 0;
                if (++state.failures >= check.fall() && pool.isHealthy(b)) {
                    pool.setHealthy(b, false);
                    LOG.warning("health: backend " + b.id() + " of pool " + pool.name() + " is DOWN (" + check.fall()
                            + " failed probes; last: " + failure + ")");
                }
            }
        }
        state.running = false;
    }

    /** One probe; null when it passed, else why it failed. */
    static String probeOnce(HostPort target, HealthCheck check, io.switchboard.config.BackendTls tls) {
        int timeout = (int) Math.min(Integer.MAX_VALUE, check.timeout().toMillis()); // an int of ms: about 24 days
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(target.host(), target.port()), timeout);
            plain.setSoTimeout(timeout);
            Socket s = tls == null ? plain : io.switchboard.http.UpstreamTls.wrap(plain, target.host(), target.port(), tls);
            String request = "GET " + check.path() + " HTTP/1.1\r\nHost: " + target + "\r\nUser-Agent: switchboard-health\r\n"
                    + (check.websocket() ? "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Handshake.newKey() + "\r\nSec-WebSocket-Version: 13\r\n" : "Connection: close\r\n") + "\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String status = statusLine(s.getInputStream());
            int code = status.length() >= 12 ? Integer.parseInt(status.substring(9, 12)) : -1;
            boolean ok = check.websocket() ? code == 101 : code >= 200 && code < 300;
            if (ok && check.websocket()) {
                s.getOutputStream().write(Frames.close(1000, "health check", true)); // a polite goodbye
            }
            return ok ? null : "answered '" + status + "'";
        } catch (IOException | NumberFormatException e) {
            return e.toString();
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\r' && line.length() < 200) {
            line.append((char) c);
        }
        return line.toString();
    }
}
