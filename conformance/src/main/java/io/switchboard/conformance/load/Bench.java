package io.switchboard.conformance.load;

import io.switchboard.ws.DeflateNegotiation;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The peer benchmark: direct, HAProxy, nginx and Switchboard in front of the same echo backend,
 * measured in one run and printed as one Markdown table with Switchboard's ratios to each peer.
 * Switchboard runs three times, each its own JVM with the same flags: a tunnel route, a terminate
 * route, and a terminate route with {@code deflate: {client: true, backend: false}} whose
 * connections the generator opens with a permessage-deflate offer and feeds compressed messages
 * (the column "terminate + deflate": compression on the client leg, plain toward the backend).
 * Each proxy is pinned to CPU 0; the backend and this generator to CPU 1 (the launcher starts
 * this JVM under {@code taskset -c 1}).
 *
 * <p>Order: start everything; idle memory on the fresh proxies; a warm-up of every mode on every
 * target (JIT, pools; 15 s per mode by default, because a JVM proxy's handshake path keeps
 * speeding up for about 20 s of load on one core, and a long-running proxy is measured warm);
 * then {@code runs} rounds, each measuring every target in turn (so drift
 * over time hits all of them alike): for each message size, echo then pipelined; then
 * handshakes. A figure is the median of the rounds. Nothing is asserted: this prints numbers.
 *
 * <p>Options (defaults): {@code --duration 5s --connections 50 --runs 3 --sizes 64,16384
 * --payload json --inflight 16 --workers 50 --idle 8000 --backends 2 --warmup 15s
 * --deflate-level 1 --min-size 256 --only direct,haproxy,nginx,tunnel,terminate,deflate
 * --no-install --attempts 3 --max-foreign 10}; {@code --size N} is {@code --sizes N};
 * {@code switchboard} in {@code --only} means {@code tunnel}. Peers missing from the machine are
 * installed with apt-get unless {@code --no-install}.
 */
public final class Bench {
    private static final int PROXY_CPU = 0;
    private static final int LOAD_CPU = 1;

    private final Map<String, String> opt;
    private final Duration duration;
    private final Duration warmup;
    private final int connections;
    private final int runs;
    /** Echo latency per column and size ("name@64"), merged over the recorded rounds. */
    private final Map<String, Histogram> latency = new LinkedHashMap<>();
    private final List<Integer> sizes;
    private final Payloads.Kind payload;
    private final int inflight;
    private final int workers;
    private final int idle;
    private final int level;
    private final int minSize;
    private final Map<Integer, FlowLoad.Messages> messages = new LinkedHashMap<>();
    private long users = 1;
    private Targets.Target backend;

    /** A column of the table: a server, and the extension offer its connections carry (null: none). */
    record Column(String name, Targets.Target target, String offer) {
    }

    private Bench(Map<String, String> opt) {
        this.opt = opt;
        this.duration = LoadMain.duration(opt.getOrDefault("duration", "5s"));
        this.warmup = LoadMain.duration(opt.getOrDefault("warmup", "15s"));
        this.connections = Integer.parseInt(opt.getOrDefault("connections", "50"));
        this.runs = Integer.parseInt(opt.getOrDefault("runs", "3"));
        this.sizes = Arrays.stream(opt.getOrDefault("sizes", opt.getOrDefault("size", "64,16384")).split(","))
                .map(String::trim).map(Integer::parseInt).toList();
        this.payload = Payloads.Kind.of(opt.getOrDefault("payload", "json"));
        this.inflight = Integer.parseInt(opt.getOrDefault("inflight", "16"));
        this.workers = Integer.parseInt(opt.getOrDefault("workers", opt.getOrDefault("connections", "50")));
        // near the issue's 10,000 (the hard limit of 20,000 files per process allows about 9,900
        // proxied sockets; HAProxy's maxconn is 9,000): at 2,000 a JVM's heap resizing alone moved
        // the figure by +-5 kB per connection between runs
        this.idle = Integer.parseInt(opt.getOrDefault("idle", "8000"));
        this.level = Integer.parseInt(opt.getOrDefault("deflate-level", "1"));
        this.minSize = Integer.parseInt(opt.getOrDefault("min-size", "256"));
        CpuQuota.set(Integer.parseInt(opt.getOrDefault("proxy-quota", "0")));
        for (int size : sizes) {
            messages.put(size, FlowLoad.Messages.of(payload, size, level, minSize));
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = LoadMain.options(args);
        new Bench(opt).run();
        System.exit(0); // the generator's daemon threads and child processes are done
    }

    private void run() throws Exception {
        long started0 = System.nanoTime();
        List<String> only = Arrays.stream(opt.getOrDefault("only", "direct,haproxy,nginx,tunnel,terminate,deflate").split(","))
                .map(s -> s.trim().equals("switchboard") ? "tunnel" : s.trim()).toList();
        if (!opt.containsKey("no-install") && (only.contains("haproxy") || only.contains("nginx"))) {
            Targets.ensureInstalled();
        }
        log("load average before starting: " + Files.readString(Path.of("/proc/loadavg")).trim()
                + " (anything else running skews the figures: see the CPU lines of the details)");
        Path dir = Files.createTempDirectory("switchboard-bench");
        int backends = Integer.parseInt(opt.getOrDefault("backends", "2"));
        List<Targets.Target> started = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(started)));
        Targets.Target echo = Targets.echo(dir, backends, LOAD_CPU);
        backend = echo;
        started.add(echo);
        List<Column> columns = new ArrayList<>();
        if (only.contains("direct")) {
            columns.add(new Column("direct", new Targets.Target("direct", echo.urls(), null, false), null));
        }
        if (only.contains("haproxy")) {
            columns.add(column(started, Targets.haproxy(dir, echo.urls(), PROXY_CPU), null));
        }
        if (only.contains("nginx")) {
            columns.add(column(started, Targets.nginx(dir, echo.urls(), PROXY_CPU), null));
        }
        if (only.contains("tunnel")) {
            columns.add(column(started, Targets.switchboard(dir, echo.urls(), PROXY_CPU, "tunnel", null, "native",
                    Report.TUNNEL, "switchboard-tunnel"), null));
        }
        if (only.contains("tunnel-nio")) {
            columns.add(column(started, Targets.switchboard(dir, echo.urls(), PROXY_CPU, "tunnel", null, "nio",
                    Report.TUNNEL_NIO, "switchboard-tunnel-nio"), null));
        }
        if (only.contains("terminate")) {
            columns.add(column(started, Targets.switchboard(dir, echo.urls(), PROXY_CPU, "terminate", null, "native",
                    Report.TERMINATE, "switchboard-terminate"), null));
        }
        if (only.contains("deflate")) {
            String deflate = String.format(Locale.ROOT, "{client: true, backend: false, context-takeover: false, level: %d,"
                    + " min-size: %dB}", level, minSize);
            columns.add(column(started, Targets.switchboard(dir, echo.urls(), PROXY_CPU, "terminate", deflate, "native",
                    Report.DEFLATE, "switchboard-deflate"), DeflateNegotiation.offer(false)));
        }
        log("configs and logs in " + dir + "; echo backend " + echo.urls());
        log("payload: " + payload.describe() + ", " + messages.get(sizes.get(0)).bodies().length
                + " distinct messages per size, e.g. " + sample());

        Map<String, IdleLoad.Result> idleResults = new LinkedHashMap<>();
        if (idle > 0) {
            for (Column c : columns) {
                if (c.target().process() != null) {
                    IdleLoad.Result r = IdleLoad.measure(c.target(), idle, nextUsers(idle + IdleLoad.WARMUP), c.offer());
                    idleResults.put(c.name(), r);
                    log(String.format(Locale.ROOT, "idle %-31s %,d conns opened in %d ms: RSS %,d -> %,d kB = %,d B/conn%s",
                            c.name(), idle, r.openMillis(), r.rssBefore() / 1024, r.rssAfter() / 1024, r.rssPerConnection(),
                            r.heapBefore() < 0 ? "" : String.format(Locale.ROOT, "; live heap %,d B/conn", r.heapPerConnection())));
                }
            }
        }
        for (Column c : columns) {
            log("warm-up " + c.name());
            measure(c, warmup, null, null);
        }
        Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
        for (int run = 1; run <= runs; run++) {
            log("run " + run + ": load average " + Files.readString(Path.of("/proc/loadavg")).trim());
            // each round starts one column later: drift within a round lands on a different column
            // each time, not always on the one after nginx
            for (Column c : rotated(columns, run - 1)) {
                Map<String, List<Double>> m = results.computeIfAbsent(c.name(), k -> new LinkedHashMap<>());
                round(c, duration, m);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "run %d %s:", run, c.name()));
                for (int size : sizes) {
                    line.append(String.format(Locale.ROOT, " %d B echo %s msgs/s p50/p99 %.0f/%.0f us, pipelined %s msgs/s;",
                            size, LoadMain.si(last(m, "echo@" + size)), last(m, "p50@" + size), last(m, "p99@" + size),
                            LoadMain.si(last(m, "pipelined@" + size))));
                }
                log(line.append(" handshakes ").append(LoadMain.si(last(m, "connect"))).append("/s").toString());
            }
        }
        Report report = new Report(results, idleResults, columns.stream().map(Column::name).toList(), sizes, latency);
        System.out.println(report.table(connections, inflight, workers, idle, duration, runs));
        if (CpuQuota.percent() > 0) {
            System.out.printf(Locale.ROOT, "Each proxy ran in a cpu cgroup of its own limited to %d %% of CPU 0"
                    + " (--proxy-quota), so that the proxy, not the generator, sets the rates.%n", CpuQuota.percent());
        }
        System.out.println(report.payloadNote(payload, messages.get(sizes.get(0)).bodies().length, level, minSize));
        System.out.println(report.targets());
        System.out.println(report.details());
        log(String.format(Locale.ROOT, "total run time %.1f min", (System.nanoTime() - started0) / 60e9));
        stopAll(started);
    }

    private String sample() {
        byte[] first = messages.get(sizes.get(0)).bodies()[0];
        return payload == Payloads.Kind.JSON ? new String(first, 0, Math.min(first.length, 120), java.nio.charset.StandardCharsets.US_ASCII)
                + (first.length > 120 ? "..." : "") : first.length + " random bytes";
    }

    /**
     * One round on one column, repeated (up to {@code --attempts}, default 3) while another
     * process took more than {@code --max-foreign} (default 10) percent of either core; the
     * last attempt is kept either way and its noise shows in the details.
     */
    private void round(Column c, Duration d, Map<String, List<Double>> into) throws Exception {
        int attempts = Integer.parseInt(opt.getOrDefault("attempts", "3"));
        for (int a = 1; ; a++) {
            awaitQuiet();
            double foreign = measure(c, d, a == attempts ? into : null, into);
            if (foreign <= maxForeign() || a == attempts) {
                return;
            }
            log(String.format(Locale.ROOT, "%s: other processes took %.0f%% of a core during the round; repeating it",
                    c.name(), foreign));
        }
    }

    /**
     * Measures echo and pipelined at every size, then handshakes, once on {@code c}; records into
     * {@code into} when it is not null, or when the round was clean and {@code cleanInto} is not null.
     *
     * @return the largest foreign CPU share seen in any phase, percent
     */
    private double measure(Column c, Duration d, Map<String, List<Double>> into,
                           Map<String, List<Double>> cleanInto) throws Exception {
        Targets.Target t = c.target();
        SecureRandom seeds = new SecureRandom();
        List<WsWire> wires = new ArrayList<>();
        for (URI u : t.urls()) {
            wires.add(new WsWire(u, seeds.nextLong(), c.offer()));
        }
        Map<String, Phase<?>> phases = new LinkedHashMap<>();
        for (int size : sizes) {
            FlowLoad.Messages msgs = messages.get(size);
            phases.put("echo@" + size, Phase.run(t, backend,
                    () -> FlowLoad.run(wires, connections, msgs, 1, d, nextUsers(connections))));
            pause();
            phases.put("pipelined@" + size, Phase.run(t, backend,
                    () -> FlowLoad.run(wires, connections, msgs, inflight, d, nextUsers(connections))));
            pause();
        }
        Phase<ConnectLoad.Result> hs = Phase.run(t, backend, () -> ConnectLoad.run(t.urls(), workers, d, nextUsers(0), c.offer()));
        users += hs.result().handshakes() + hs.result().failed() + 1_000_000;
        pause();
        long failed = hs.result().failed();
        long bad = 0;
        double foreign = hs.foreign();
        for (Phase<?> p : phases.values()) {
            FlowLoad.Result r = (FlowLoad.Result) p.result();
            failed += r.failed();
            bad += r.bad();
            foreign = Math.max(foreign, p.foreign());
        }
        if (failed + bad > 0) {
            log(c.name() + ": " + failed + " failed connections or handshakes, " + bad + " bad echoes in this round");
        }
        Map<String, List<Double>> m = into != null ? into : foreign <= maxForeign() ? cleanInto : null;
        if (m == null) {
            return foreign;
        }
        for (Map.Entry<String, Phase<?>> e : phases.entrySet()) {
            FlowLoad.Result r = (FlowLoad.Result) e.getValue().result();
            String key = e.getKey();
            put(m, key, r.rate());
            if (key.startsWith("echo@")) {
                String size = key.substring("echo".length());
                Histogram h = r.latency();
                // the table's percentiles come from every recorded round's samples together: a median of
                // per-round p99s would drop the worst round's tail
                latency.computeIfAbsent(c.name() + size, k -> new Histogram()).add(h);
                put(m, "p50" + size, h.percentile(50) / 1e3);
                put(m, "p90" + size, h.percentile(90) / 1e3);
                put(m, "p99" + size, h.percentile(99) / 1e3);
                put(m, "p999" + size, h.percentile(99.9) / 1e3);
                put(m, "ratioOut" + size, r.ratioOut());
                put(m, "ratioIn" + size, r.ratioIn());
            }
            record(m, key, e.getValue());
            if (key.startsWith("echo@")) {
                put(m, "cost" + key.substring("echo".length()), Report.microsEach(e.getValue().proxy(), r.rate()));
            }
        }
        put(m, "connect", hs.result().rate());
        put(m, "cost.connect", Report.microsEach(hs.proxy(), hs.result().rate()));
        record(m, "connect", hs);
        put(m, "failed", failed);
        put(m, "bad", bad);
        return foreign;
    }

    private static void record(Map<String, List<Double>> m, String phase, Phase<?> p) {
        put(m, phase + ".cpu0", p.cpu0());
        put(m, phase + ".cpu1", p.cpu1());
        put(m, phase + ".own", p.proxy());
        put(m, phase + ".load", p.load());
    }

    private double maxForeign() {
        return Double.parseDouble(opt.getOrDefault("max-foreign", "10"));
    }

    /** Waits (up to 3 minutes) for both cores to be nearly idle before a round starts. */
    private static void awaitQuiet() throws InterruptedException {
        long deadline = System.nanoTime() + 180_000_000_000L;
        boolean said = false;
        while (true) {
            CpuUse a = CpuUse.now();
            Thread.sleep(1000);
            CpuUse b = CpuUse.now();
            int c0 = b.percentSince(a, 0);
            int c1 = b.percentSince(a, 1);
            if ((c0 < 10 && c1 < 10) || System.nanoTime() > deadline) {
                return;
            }
            if (!said) {
                log("waiting for the machine to be quiet (cpu0 " + c0 + "%, cpu1 " + c1 + "% busy)");
                said = true;
            }
        }
    }

    /** Lets the servers settle the closes of the previous phase (and TIME_WAITs age a little). */
    private static void pause() throws InterruptedException {
        Thread.sleep(300);
    }

    private long nextUsers(int n) {
        long base = users;
        users += n;
        return base;
    }

    /** {@code list} started at index {@code by} (mod its size), wrapping. */
    static <T> List<T> rotated(List<T> list, int by) {
        List<T> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            out.add(list.get(Math.floorMod(by + i, list.size())));
        }
        return out;
    }

    private static void put(Map<String, List<Double>> m, String k, double v) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }

    private static double last(Map<String, List<Double>> m, String k) {
        List<Double> l = m.get(k);
        return l.get(l.size() - 1);
    }

    private static Column column(List<Targets.Target> started, Targets.Target t, String offer) {
        started.add(t);
        return new Column(t.name(), t, offer);
    }

    private static void stopAll(List<Targets.Target> started) {
        for (Targets.Target t : started) {
            t.close();
        }
        CpuQuota.removeAll();
    }

    static void log(String line) {
        System.err.println("bench: " + line);
    }
}
