package io.switchboard.conformance.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the rounds of a {@link Bench} into its Markdown table (medians, with rows per message
 * size, and Switchboard's ratios: tunnel and terminate to each peer present, and terminate with
 * deflate to plain terminate) and a details block (every round's figures, so the spread is visible).
 */
final class Report {
    static final String TUNNEL = "Switchboard tunnel";
    static final String TERMINATE = "Switchboard terminate";
    static final String DEFLATE = "Switchboard terminate + deflate";
    /** The tunnel with {@code loop-io: nio}: what the native sockets buy, measured in the same run. */
    static final String TUNNEL_NIO = "Switchboard tunnel, NIO";
    private static final String[][] RATIOS = {
        {TUNNEL, "HAProxy"}, {TUNNEL, "nginx"}, {TERMINATE, "HAProxy"}, {TERMINATE, "nginx"}, {TERMINATE, TUNNEL},
        {DEFLATE, TERMINATE}, {TUNNEL, TUNNEL_NIO},
    };

    private final Map<String, Map<String, List<Double>>> runs;
    private final Map<String, IdleLoad.Result> idle;
    private final List<String> names;
    private final List<Integer> sizes;
    private final List<String[]> ratios;
    private final Map<String, Histogram> latency;

    /**
     * @param runs    column -> metric -> one value per round, round i at index i in every list
     * @param names   column order
     * @param latency echo latency per "column@size", merged over the rounds (may be empty)
     */
    Report(Map<String, Map<String, List<Double>>> runs, Map<String, IdleLoad.Result> idle, List<String> names,
           List<Integer> sizes, Map<String, Histogram> latency) {
        this.runs = runs;
        this.latency = latency;
        this.idle = idle;
        this.names = names;
        this.sizes = sizes;
        this.ratios = java.util.Arrays.stream(RATIOS).filter(r -> names.contains(r[0]) && names.contains(r[1])).toList();
    }

    String table(int connections, int inflight, int workers, int idleCount, Duration d, int rounds) {
        StringBuilder t = new StringBuilder();
        t.append("| |");
        for (String n : names) {
            t.append(' ').append(header(n)).append(" |");
        }
        for (String[] r : ratios) {
            t.append(' ').append(shortName(r[0])).append(" / ").append(shortName(r[1])).append(" |");
        }
        t.append("\n|---|");
        t.append("---|".repeat(names.size() + ratios.size()));
        t.append('\n');
        for (int size : sizes) {
            row(t, "echo msgs/s (" + bytes(size) + ", " + connections + " connections, closed loop)", "echo@" + size);
            latencyRow(t, size);
        }
        for (int size : sizes) {
            row(t, inflight + " messages in flight per connection, msgs/s (" + bytes(size) + ")", "pipelined@" + size);
        }
        row(t, "WebSocket handshakes/s (" + workers + " workers)", "connect");
        busyRow(t, "CPU 0 (proxy) / CPU 1 (generator, backend) busy %, echo " + bytes(sizes.get(0)), "echo@" + sizes.get(0));
        busyRow(t, "CPU 0 / CPU 1 busy %, handshakes", "connect");
        for (int size : sizes) {
            costRow(t, "proxy CPU per echoed message, µs (" + bytes(size) + ")", "cost@" + size);
        }
        costRow(t, "proxy CPU per handshake, µs", "cost.connect");
        if (!idle.isEmpty()) {
            t.append(String.format(Locale.ROOT, "| memory per idle proxied WebSocket (RSS delta / %,d connections) |", idleCount));
            for (String n : names) {
                IdleLoad.Result r = idle.get(n);
                t.append(' ').append(r == null ? "-" : kb(r.rssPerConnection())).append(" |");
            }
            for (String[] r : ratios) {
                t.append(' ').append(ratio(idleOf(r[0]), idleOf(r[1]))).append(" |");
            }
            t.append('\n');
        }
        t.append(String.format(Locale.ROOT, "%nMedian of %d rounds of %d s per mode (each round starts one column later)."
                + " Latency percentiles are over all rounds' samples together. Ratios are the first column's figure"
                + " divided by the second's; rate and CPU ratios are taken round by round (both measured in the same"
                + " round) and given as the median, with the lowest and highest in brackets (latency and memory ratios"
                + " are single): above 1.00x is better for rates, worse for latency,"
                + " CPU and memory. Proxy CPU is the proxy process's own CPU time over a phase divided by what it"
                + " completed: a figure that does not depend on which core was the limit. Where CPU 1 is near 100 %%"
                + " busy, the generator and backend, not the proxy, set the rate.%n",
                rounds, d.toSeconds()));
        return t.toString();
    }

    /**
     * Issue 9's targets for the tunnel (at the first message size), each with its verdict: "met"
     * when every round's paired ratio meets it, "median only" when the median does but some round
     * does not (the run cannot tell it from noise), else "not met". Latency and memory have one
     * figure per run. Targets whose columns were not measured are left out.
     */
    String targets() {
        int size = sizes.get(0);
        StringBuilder b = new StringBuilder("Issue 9 targets (tunnel, " + bytes(size) + "):\n");
        rateTarget(b, "echo msgs/s >= 1.0x nginx", TUNNEL, "nginx", "echo@" + size, 1.0);
        if (names.contains(TUNNEL) && names.contains("nginx")) {
            double p99 = percentile(TUNNEL, size, 99) / percentile("nginx", size, 99);
            b.append(String.format(Locale.ROOT, "- echo p99 <= nginx's: %.2fx, %s%n", p99, p99 <= 1.0 ? "met" : "not met"));
        }
        rateTarget(b, "handshakes/s >= 1.0x HAProxy", TUNNEL, "HAProxy", "connect", 1.0);
        rateTarget(b, "pipelined msgs/s >= 1.0x HAProxy", TUNNEL, "HAProxy", "pipelined@" + size, 1.0);
        rateTarget(b, "terminate echo msgs/s >= 0.7x tunnel", TERMINATE, TUNNEL, "echo@" + size, 0.7);
        IdleLoad.Result idleTunnel = idle.get(TUNNEL);
        if (idleTunnel != null) {
            long bytes = idleTunnel.rssPerConnection();
            b.append(String.format(Locale.ROOT, "- memory per idle WebSocket <= 8 kB: %s, %s%n", kb(bytes),
                    bytes <= 8000 ? "met" : "not met"));
        }
        return b.toString();
    }

    private void rateTarget(StringBuilder b, String label, String a, String of, String metric, double target) {
        List<Double> each = roundRatios(a, of, metric);
        if (each == null || each.isEmpty()) {
            return; // not measured, or no round to pair
        }
        String verdict = each.get(0) >= target ? "met" : middle(each) >= target ? "median only (some rounds below)" : "not met";
        b.append("- ").append(label).append(": ").append(pairedRatio(a, of, metric)).append(", ").append(verdict).append('\n');
    }

    /** What the messages were, and how well the deflate column's messages compressed each way. */
    String payloadNote(Payloads.Kind kind, int distinct, int level, int minSize) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "Payload: %s, %d distinct messages per size,"
                + " every echo compared with what was sent (bad echoes in all rounds: %s).", kind.describe(), distinct, badEchoes()));
        if (names.contains(DEFLATE)) {
            b.append(String.format(Locale.ROOT, " \"%s\": permessage-deflate on the client leg only (level %d, min-size %d B,"
                    + " no context takeover), plain toward the backend; compressed / plain payload bytes, client to proxy and"
                    + " proxy to client:", DEFLATE, level, minSize));
            for (int size : sizes) {
                b.append(String.format(Locale.ROOT, " %s %.2f and %.2f;", bytes(size), median(DEFLATE, "ratioOut@" + size),
                        median(DEFLATE, "ratioIn@" + size)));
            }
            b.setLength(b.length() - 1);
            b.append('.');
        }
        return b.append('\n').toString();
    }

    /** Every round, every metric, per column; and the idle readings in full. */
    String details() {
        StringBuilder b = new StringBuilder("```\n");
        for (String n : names) {
            Map<String, List<Double>> m = runs.get(n);
            if (m == null) {
                continue;
            }
            b.append(n).append('\n');
            for (int size : sizes) {
                b.append(String.format(Locale.ROOT, "  %-7s echo msgs/s %s%n", bytes(size), list(m.get("echo@" + size))));
                b.append(String.format(Locale.ROOT, "  %-7s echo p50/p90/p99/p99.9 us %s%n", "", latencies(m, size)));
                b.append(String.format(Locale.ROOT, "  %-7s pipelined msgs/s %s%n", "", list(m.get("pipelined@" + size))));
            }
            b.append(String.format(Locale.ROOT, "  handshakes/s %s%n", list(m.get("connect"))));
            b.append(String.format(Locale.ROOT, "  failed connections / bad echoes per round: %s%n", errors(m)));
            b.append("  CPU busy %: cpu0 (of it the proxy) / cpu1 (of it generator + backend), per round:\n");
            for (int size : sizes) {
                b.append(String.format(Locale.ROOT, "    %-7s echo %s  pipelined %s%n", bytes(size), cpu(m, "echo@" + size),
                        cpu(m, "pipelined@" + size)));
            }
            b.append(String.format(Locale.ROOT, "    handshakes %s%n", cpu(m, "connect")));
            IdleLoad.Result r = idle.get(n);
            if (r != null) {
                b.append(String.format(Locale.ROOT, "  idle: RSS %,d -> %,d kB over %,d connections (%,d B each)%s%n",
                        r.rssBefore() / 1024, r.rssAfter() / 1024, r.connections(), r.rssPerConnection(),
                        r.heapBefore() < 0 ? "" : String.format(Locale.ROOT, "; live heap %,d -> %,d kB (%,d B each)",
                                r.heapBefore() / 1024, r.heapAfter() / 1024, r.heapPerConnection())));
            }
        }
        return b.append("```").toString();
    }

    private void row(StringBuilder t, String label, String metric) {
        t.append("| ").append(label).append(" |");
        for (String n : names) {
            t.append(' ').append(LoadMain.si(median(n, metric))).append(" |");
        }
        for (String[] r : ratios) {
            t.append(' ').append(pairedRatio(r[0], r[1], metric)).append(" |");
        }
        t.append('\n');
    }

    /** Median CPU busy % of both cores in a phase, per column (ratios do not apply). */
    private void busyRow(StringBuilder t, String label, String phase) {
        t.append("| ").append(label).append(" |");
        for (String n : names) {
            double a = median(n, phase + ".cpu0");
            double b = median(n, phase + ".cpu1");
            t.append(' ').append(Double.isNaN(a) ? "-" : String.format(Locale.ROOT, "%.0f / %.0f", a, b)).append(" |");
        }
        t.append(" |".repeat(ratios.size())).append('\n');
    }

    /**
     * The ratio of {@code a} to {@code b} on {@code metric}, round by round: "median (lowest–highest)",
     * or the plain ratio of medians when the rounds cannot be paired.
     */
    String pairedRatio(String a, String b, String metric) {
        List<Double> each = roundRatios(a, b, metric);
        if (each == null) {
            return ratio(median(a, metric), median(b, metric));
        }
        if (each.isEmpty()) {
            return "-";
        }
        int k = each.size();
        return k == 1 ? String.format(Locale.ROOT, "%.2fx", middle(each))
                : String.format(Locale.ROOT, "%.2fx (%.2f–%.2f)", middle(each), each.get(0), each.get(k - 1));
    }

    /** {@code a / b} round by round, sorted; null when the rounds cannot be paired. */
    private List<Double> roundRatios(String a, String b, String metric) {
        List<Double> x = values(a, metric);
        List<Double> y = values(b, metric);
        if (x == null || y == null || x.size() != y.size() || x.isEmpty()) {
            return null;
        }
        List<Double> each = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) {
            if (!Double.isNaN(x.get(i)) && !Double.isNaN(y.get(i)) && y.get(i) != 0) {
                each.add(x.get(i) / y.get(i));
            }
        }
        Collections.sort(each);
        return each;
    }

    /** The median of a sorted, non-empty list. */
    private static double middle(List<Double> sorted) {
        int k = sorted.size();
        return k % 2 == 1 ? sorted.get(k / 2) : (sorted.get(k / 2 - 1) + sorted.get(k / 2)) / 2;
    }

    private List<Double> values(String name, String metric) {
        Map<String, List<Double>> m = runs.get(name);
        return m == null ? null : m.get(metric);
    }

    private void costRow(StringBuilder t, String label, String metric) {
        t.append("| ").append(label).append(" |");
        for (String n : names) {
            double v = median(n, metric);
            t.append(' ').append(Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v)).append(" |");
        }
        for (String[] r : ratios) {
            t.append(' ').append(pairedRatio(r[0], r[1], metric)).append(" |");
        }
        t.append('\n');
    }

    /**
     * CPU per completed unit: a process that used {@code percentOfCore} % of one core while
     * completing {@code ratePerSecond} units per second spent this many µs on each. NaN when there
     * is no process to account (the direct column) or nothing completed.
     */
    static double microsEach(double percentOfCore, double ratePerSecond) {
        return percentOfCore <= 0 || ratePerSecond <= 0 ? Double.NaN : percentOfCore * 1e4 / ratePerSecond;
    }

    private void latencyRow(StringBuilder t, int size) {
        t.append("| echo latency p50 / p99 (µs, ").append(bytes(size)).append(") |");
        for (String n : names) {
            t.append(String.format(Locale.ROOT, " %.0f / %.0f |", percentile(n, size, 50), percentile(n, size, 99)));
        }
        for (String[] r : ratios) {
            t.append(' ').append(ratio(percentile(r[0], size, 50), percentile(r[1], size, 50))).append(" / ")
                    .append(ratio(percentile(r[0], size, 99), percentile(r[1], size, 99))).append(" |");
        }
        t.append('\n');
    }

    /** A latency percentile in µs over all rounds' samples, or the median of the rounds' when none were kept. */
    private double percentile(String name, int size, double p) {
        Histogram h = latency.get(name + "@" + size);
        if (h != null && h.count() > 0) {
            return h.percentile(p) / 1e3;
        }
        return median(name, (p == 50 ? "p50@" : "p99@") + size);
    }

    private double median(String name, String metric) {
        Map<String, List<Double>> m = runs.get(name);
        if (m == null || m.get(metric) == null || m.get(metric).isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = new ArrayList<>(m.get(metric));
        Collections.sort(v);
        return middle(v);
    }

    private String badEchoes() {
        long sum = 0;
        for (Map<String, List<Double>> m : runs.values()) {
            sum += m.getOrDefault("bad", List.of()).stream().mapToLong(Double::longValue).sum();
        }
        return String.format(Locale.ROOT, "%,d", sum);
    }

    private double idleOf(String name) {
        IdleLoad.Result r = idle.get(name);
        return r == null ? Double.NaN : r.rssPerConnection();
    }

    private static String latencies(Map<String, List<Double>> m, int size) {
        List<String> rounds = new ArrayList<>();
        List<Double> p50 = m.get("p50@" + size);
        for (int i = 0; p50 != null && i < p50.size(); i++) {
            rounds.add(String.format(Locale.ROOT, "%.0f/%.0f/%.0f/%.0f", p50.get(i), m.get("p90@" + size).get(i),
                    m.get("p99@" + size).get(i), m.get("p999@" + size).get(i)));
        }
        return String.join("  ", rounds);
    }

    private static String errors(Map<String, List<Double>> m) {
        List<Double> f = m.getOrDefault("failed", List.of());
        List<Double> bad = m.getOrDefault("bad", List.of());
        List<String> rounds = new ArrayList<>();
        for (int i = 0; i < f.size(); i++) {
            rounds.add(String.format(Locale.ROOT, "%.0f/%.0f", f.get(i), bad.get(i)));
        }
        return String.join(" ", rounds);
    }

    private static String cpu(Map<String, List<Double>> m, String phase) {
        List<Double> a = m.get(phase + ".cpu0");
        List<Double> b = m.get(phase + ".cpu1");
        List<Double> own = m.get(phase + ".own");
        List<Double> load = m.get(phase + ".load");
        List<String> rounds = new ArrayList<>();
        for (int i = 0; a != null && i < a.size(); i++) {
            rounds.add(String.format(Locale.ROOT, "%.0f(%.0f)/%.0f(%.0f)", a.get(i), own.get(i), b.get(i), load.get(i)));
        }
        return String.join(" ", rounds);
    }

    private static String list(List<Double> v) {
        return v == null ? "-" : String.join("  ", v.stream().map(LoadMain::si).toList());
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.1f kB", bytes / 1000.0);
    }

    /** 64 -> "64 B", 16384 -> "16 KiB". */
    static String bytes(int size) {
        return size >= 1024 && size % 1024 == 0 ? size / 1024 + " KiB" : size + " B";
    }

    private static String shortName(String name) {
        return switch (name) {
            case TUNNEL -> "tunnel";
            case TERMINATE -> "terminate";
            case DEFLATE -> "terminate+deflate";
            case TUNNEL_NIO -> "tunnel-nio";
            default -> name;
        };
    }

    private static String header(String name) {
        return switch (name) {
            case "HAProxy" -> "HAProxy " + Targets.version("haproxy", "-v") + " (nbthread 1)";
            case "nginx" -> "nginx " + Targets.version("nginx", "-v") + " (1 worker)";
            case DEFLATE -> "Switchboard terminate, deflate on the client leg";
            case "direct" -> "direct (no proxy)";
            default -> name;
        };
    }
}
