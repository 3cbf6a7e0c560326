package io.switchboard.conformance.proxycases;

import io.switchboard.conformance.autobahn.CaseIds;
import io.switchboard.conformance.autobahn.CaseResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs proxy cases against the real proxy: starts each case's backends, writes one Switchboard
 * YAML with a pool and a route per case, starts {@code io.switchboard.Main run} on it, and runs
 * the cases one after another, each within a time budget. Cases that stop the proxy
 * ({@link Fixture#ownProxy}) get a proxy of their own, after the others.
 *
 * <p>Settings every proxy gets: {@code timeouts: {upstream-handshake: 1s, close: 2s}}, an admin
 * listener on a free port, and {@code drain: {delay: 0s, spread: 1s, deadline: 5s}}.
 */
public final class ProxyCaseRunner {
    /** The most a case may take; one that overruns is FAILED and abandoned. */
    public static final Duration CASE_BUDGET = Duration.ofSeconds(45);
    private static final Duration PROXY_START = Duration.ofSeconds(30);
    private static final String SETTINGS = """
            timeouts: {upstream-handshake: %dms, close: 2s}
            admin: {listen: 127.0.0.1:0}
            drain: {delay: 0s, spread: 1s, deadline: 5s}
            """.formatted(HandshakeCases.UPSTREAM_HANDSHAKE.toMillis());

    private ProxyCaseRunner() {
    }

    /**
     * Runs {@code cases} and returns their results in id order, each also given to
     * {@code progress} as it ends.
     *
     * @param agent     the name results carry in the report
     * @param classpath the class path of the proxy's JVM (it must hold {@code io.switchboard.Main})
     * @param workDir   where the generated YAML files go
     */
    public static List<CaseResult> run(String agent, List<ProxyCase> cases, String classpath, Path workDir,
                                       Consumer<CaseResult> progress) {
        return run(agent, cases, classpath, workDir, progress, "tunnel");
    }

    /**
     * As {@link #run(String, List, String, Path, Consumer)} with every case's route in {@code mode}
     * ({@code tunnel} or {@code terminate}): the behaviour a proxy owes its peers is the same.
     */
    public static List<CaseResult> run(String agent, List<ProxyCase> cases, String classpath, Path workDir,
                                       Consumer<CaseResult> progress, String mode) {
        List<CaseResult> out = new ArrayList<>();
        List<ProxyCase> shared = cases.stream().filter(c -> !c.fixture().ownProxy()).toList();
        if (!shared.isEmpty()) {
            out.addAll(group(agent, "proxy-cases", shared, classpath, workDir, progress, mode));
        }
        for (ProxyCase c : cases) {
            if (c.fixture().ownProxy()) {
                out.addAll(group(agent, "proxy-" + Fixture.name(c.id()), List.of(c), classpath, workDir, progress, mode));
            }
        }
        out.sort((a, b) -> CaseIds.ORDER.compare(a.spec().id(), b.spec().id()));
        return out;
    }

    private static List<CaseResult> group(String agent, String name, List<ProxyCase> cases, String classpath, Path workDir,
                                          Consumer<CaseResult> progress, String mode) {
        Map<ProxyCase, List<Upstream>> upstreams = new LinkedHashMap<>();
        List<CaseResult> out = new ArrayList<>();
        try {
            for (ProxyCase c : cases) {
                List<Upstream> list = new ArrayList<>();
                upstreams.put(c, list);
                for (Supplier<Upstream> s : c.fixture().backends()) {
                    list.add(s.get());
                }
            }
            Proxy proxy;
            try {
                proxy = Proxy.start(workDir, name, yaml(upstreams, mode), classpath, PROXY_START);
            } catch (Exception e) {
                for (ProxyCase c : cases) {
                    Trace t = new Trace();
                    t.fail("the proxy under test did not start: %s", e.getMessage());
                    out.add(report(agent, c, t, progress));
                }
                return out;
            }
            try (proxy) {
                for (ProxyCase c : cases) {
                    out.add(report(agent, c, runOne(c, proxy, upstreams.get(c), mode), progress));
                    upstreams.remove(c).forEach(Upstream::close);
                }
            }
        } finally {
            upstreams.values().forEach(l -> l.forEach(Upstream::close));
        }
        return out;
    }

    private static CaseResult report(String agent, ProxyCase c, Trace t, Consumer<CaseResult> progress) {
        CaseResult r = t.result(agent, c.spec());
        progress.accept(r);
        return r;
    }

    private static Trace runOne(ProxyCase c, Proxy proxy, List<Upstream> upstreams, String mode) {
        Trace t = new Trace();
        String path = "/" + Fixture.name(c.id());
        Env env = new Env(proxy, path, upstreams, mode.equals("terminate"));
        t.log("case %s on route %s, backends %s", c.id(), path,
                upstreams.stream().map(u -> u.name() + "@" + u.address()).toList());
        Thread body = Thread.ofVirtual().name("case-" + c.id()).start(() -> {
            try {
                c.body().run(env, t);
            } catch (Trace.Stop stop) {
                t.log("case stopped: a requirement failed");
            } catch (Throwable e) {
                t.fail("the case broke off: %s", e);
            }
        });
        try {
            if (!body.join(CASE_BUDGET)) {
                t.fail("the case overran its %d s budget and was abandoned", CASE_BUDGET.toSeconds());
                body.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.fail("interrupted");
        }
        env.closeAll();
        if (!t.failures().isEmpty()) {
            sleepQuietly(300); // the access log line of a connection is printed when it ends
        }
        // the proxy's own account of the case (access log lines for its route, errors) helps explain a failure
        List<String> lines = proxy.linesContaining("path=" + path);
        lines.stream().skip(Math.max(0, lines.size() - 10)).forEach(l -> t.log("proxy: %s", l));
        if (!t.failures().isEmpty()) {
            List<String> errors = proxy.linesContaining("stderr: ");
            errors.stream().skip(Math.max(0, errors.size() - 10)).forEach(l -> t.log("proxy %s", l));
        }
        return t;
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The proxy's YAML: the shared settings, then a pool and a route (in {@code mode}) per case. */
    static String yaml(Map<ProxyCase, List<Upstream>> upstreams, String mode) {
        StringBuilder y = new StringBuilder("listen: 127.0.0.1:0\n").append(SETTINGS).append("pools:\n");
        upstreams.forEach((c, list) -> {
            y.append("  ").append(Fixture.name(c.id())).append(":\n    backends: [")
                    .append(String.join(", ", list.stream().map(Upstream::address).toList())).append("]\n");
            c.fixture().poolLines().forEach(l -> y.append("    ").append(l).append('\n'));
        });
        y.append("routes:\n");
        upstreams.forEach((c, list) -> {
            String name = Fixture.name(c.id());
            y.append("  - path: /").append(name).append("\n    pool: ").append(name).append("\n    mode: ")
                    .append(mode).append('\n');
            if (c.fixture().websocket() != null) {
                y.append("    websocket: ").append(c.fixture().websocket()).append('\n');
            }
        });
        return y.toString();
    }
}
