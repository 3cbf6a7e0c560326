package io.switchboard.conformance.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the rounds of a {@link Bench} into its Markdown table (medians, and Switchboard's ratio
 * to each peer present) and a details block (every round's figures, so the spread is visible).
 */
final class Report {
    private final Map<String, Map<String, List<Double>>> runs;
    private final Map<String, IdleLoad.Result> idle;
    private final List<String> names;

    /** @param runs target -> metric -> one value per round; @param names column order */
    Report(Map<String, Map<String, List<Double>>> runs, Map<String, IdleLoad.Result> idle, List<String> names) {
        this.runs = runs;
        this.idle = idle;
        this.names = names;
    }

    String table(int connections, int size, int inflight, int workers, int idleCount, Duration d, int rounds) {
        List<String> peers = names.stream().filter(n -> n.equals("HAProxy") || n.equals("nginx")).toList();
        boolean sb = names.contains("Switchboard");
        StringBuilder t = new StringBuilder();
        t.append("| |");
        for (String n : names) {
            t.append(' ').append(header(n)).append(" |");
        }
        if (sb) {
            peers.forEach(p -> t.append(" Switchboard / ").append(p).append(" |"));
        }
        t.append("\n|---|");
        t.append("---|".repeat(names.size() + (sb ? peers.size() : 0)));
        t.append('\n');
        row(t, "echo msgs/s (" + size + " B, " + connections + " connections, closed loop)", "echo", peers, sb);
        latencyRow(t, peers, sb);
        row(t, "WebSocket handshakes/s (" + workers + " workers)", "connect", peers, sb);
        row(t, inflight + " messages in flight per connection, msgs/s", "pipelined", peers, sb);
        if (!idle.isEmpty()) {
            t.append(String.format(Locale.ROOT, "| memory per idle proxied WebSocket (RSS delta / %,d connections) |", idleCount));
            for (String n : names) {
                IdleLoad.Result r = idle.get(n);
                t.append(' ').append(r == null ? "-" : kb(r.rssPerConnection())).append(" |");
            }
            if (sb) {
                for (String p : peers) {
                    t.append(' ').append(ratio(idleOf("Switchboard"), idleOf(p))).append(" |");
                }
            }
            t.append('\n');
        }
        t.append(String.format(Locale.ROOT, "%nMedian of %d rounds of %d s per mode. Ratios are Switchboard's figure"
                + " divided by the peer's: above 1.00x is better for rates, worse for latency and memory.%n",
                rounds, d.toSeconds()));
        return t.toString();
    }

    /** Every round, every metric, per target; and the idle readings in full. */
    String details() {
        StringBuilder b = new StringBuilder("```\n");
        for (String n : names) {
            Map<String, List<Double>> m = runs.get(n);
            if (m == null) {
                continue;
            }
            b.append(String.format(Locale.ROOT, "%-11s echo msgs/s %s%n", n, list(m.get("echo"), true)));
            b.append(String.format(Locale.ROOT, "%-11s echo p50/p90/p99/p99.9 us %s%n", "", latencies(m)));
            b.append(String.format(Locale.ROOT, "%-11s handshakes/s %s%n", "", list(m.get("connect"), true)));
            b.append(String.format(Locale.ROOT, "%-11s pipelined msgs/s %s%n", "", list(m.get("pipelined"), true)));
            b.append(String.format(Locale.ROOT, "%-11s CPU busy %%: cpu0 (of it the proxy) / cpu1 (of it generator + backend):"
                    + " echo %s  pipelined %s  handshakes %s%n", "", cpu(m, "echo"), cpu(m, "pipelined"), cpu(m, "connect")));
            IdleLoad.Result r = idle.get(n);
            if (r != null) {
                b.append(String.format(Locale.ROOT, "%-11s idle: RSS %,d -> %,d kB over %,d connections (%,d B each)%s%n", "",
                        r.rssBefore() / 1024, r.rssAfter() / 1024, r.connections(), r.rssPerConnection(),
                        r.heapBefore() < 0 ? "" : String.format(Locale.ROOT, "; live heap %,d -> %,d kB (%,d B each)",
                                r.heapBefore() / 1024, r.heapAfter() / 1024, r.heapPerConnection())));
            }
        }
        return b.append("```").toString();
    }

    private void row(StringBuilder t, String label, String metric, List<String> peers, boolean sb) {
        t.append("| ").append(label).append(" |");
        for (String n : names) {
            t.append(' ').append(LoadMain.si(median(n, metric))).append(" |");
        }
        if (sb) {
            for (String p : peers) {
                t.append(' ').append(ratio(median("Switchboard", metric), median(p, metric))).append(" |");
            }
        }
        t.append('\n');
    }

    private void latencyRow(StringBuilder t, List<String> peers, boolean sb) {
        t.append("| echo latency p50 / p99 (µs) |");
        for (String n : names) {
            t.append(String.format(Locale.ROOT, " %.0f / %.0f |", median(n, "p50"), median(n, "p99")));
        }
        if (sb) {
            for (String p : peers) {
                t.append(' ').append(ratio(median("Switchboard", "p50"), median(p, "p50"))).append(" / ")
                        .append(ratio(median("Switchboard", "p99"), median(p, "p99"))).append(" |");
            }
        }
        t.append('\n');
    }

    private double median(String name, String metric) {
        Map<String, List<Double>> m = runs.get(name);
        if (m == null || m.get(metric) == null || m.get(metric).isEmpty()) {
            return Double.NaN;
        }
        List<Double> v = new ArrayList<>(m.get(metric));
        Collections.sort(v);
        int k = v.size();
        return k % 2 == 1 ? v.get(k / 2) : (v.get(k / 2 - 1) + v.get(k / 2)) / 2;
    }

    private double idleOf(String name) {
        IdleLoad.Result r = idle.get(name);
        return r == null ? Double.NaN : r.rssPerConnection();
    }

    private static String latencies(Map<String, List<Double>> m) {
        List<String> rounds = new ArrayList<>();
        for (int i = 0; i < m.get("p50").size(); i++) {
            rounds.add(String.format(Locale.ROOT, "%.0f/%.0f/%.0f/%.0f", m.get("p50").get(i), m.get("p90").get(i),
                    m.get("p99").get(i), m.get("p999").get(i)));
        }
        return String.join("  ", rounds);
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

    private static String list(List<Double> v, boolean si) {
        return String.join("  ", v.stream().map(x -> si ? LoadMain.si(x) : String.valueOf(x)).toList());
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.1f kB", bytes / 1000.0);
    }

    private static String header(String name) {
        return switch (name) {
            case "HAProxy" -> "HAProxy " + Targets.version("haproxy", "-v") + " (nbthread 1)";
            case "nginx" -> "nginx " + Targets.version("nginx", "-v") + " (1 worker)";
            case "Switchboard" -> "Switchboard tunnel";
            case "direct" -> "direct (no proxy)";
            default -> name;
        };
    }
}
