package io.switchboard.conformance.load;

import io.switchboard.ws.DeflateNegotiation;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The load generator on its own, against any {@code ws://} server (one mode per invocation):
 * <pre>
 * LoadMain --url ws://HOST:PORT/PATH[,ws://...] --mode echo|pipelined|connect|idle
 *          [--connections 50] [--duration 5s] [--size 64] [--inflight 16] [--workers 50]
 *          [--payload json|random] [--deflate [--deflate-level 1] [--min-size 256] [--context-takeover]]
 *          [--pid PID [--jvm]]
 * </pre>
 * {@code echo}: closed-loop echo of {@code size}-byte messages, one in flight per
 * connection: msgs/s and round-trip percentiles. {@code pipelined}: {@code inflight} in flight
 * per connection: msgs/s. {@code connect}: {@code workers} threads doing open + 101 + Close:
 * handshakes/s. {@code idle}: opens {@code connections} WebSockets and holds them; with
 * {@code --pid} prints that process's RSS growth per connection ({@code --jvm}: after full GCs,
 * through jcmd). Every connection sends {@code X-User: u<i>}. Several URLs: connections are dealt
 * to them in turn. {@code --payload}: JSON-like text in TEXT frames (default) or random bytes in
 * BINARY frames ({@link Payloads}); every echo is checked against what was sent.
 * {@code --deflate}: offer permessage-deflate (RFC 7692, without context takeover unless
 * {@code --context-takeover}) and send compressed messages at that zlib level, messages under
 * {@code --min-size} plain (use the route's values); the server must accept.
 */
public final class LoadMain {
    private LoadMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        if (!opt.containsKey("url")) {
            System.err.println("usage: LoadMain --url ws://HOST:PORT/PATH --mode echo|pipelined|connect|idle"
                    + " [--connections 50] [--duration 5s] [--size 64] [--inflight 16] [--workers 50]"
                    + " [--payload json|random] [--deflate [--deflate-level 1] [--min-size 256] [--context-takeover]]"
                    + " [--pid PID [--jvm]]");
            System.exit(2);
        }
        List<URI> urls = new ArrayList<>();
        for (String u : opt.get("url").split(",")) {
            urls.add(URI.create(u.trim()));
        }
        SecureRandom seeds = new SecureRandom();
        String offer = opt.containsKey("deflate") ? DeflateNegotiation.offer(opt.containsKey("context-takeover")) : null;
        List<WsWire> wires = urls.stream().map(u -> new WsWire(u, seeds.nextLong(), offer)).toList();
        int connections = Integer.parseInt(opt.getOrDefault("connections", "50"));
        Duration d = duration(opt.getOrDefault("duration", "5s"));
        int size = Integer.parseInt(opt.getOrDefault("size", "64"));
        String mode = opt.getOrDefault("mode", "echo");
        switch (mode) {
            case "echo", "pipelined" -> {
                int inflight = mode.equals("echo") ? 1 : Integer.parseInt(opt.getOrDefault("inflight", "16"));
                Payloads.Kind kind = Payloads.Kind.of(opt.getOrDefault("payload", "json"));
                FlowLoad.Messages msgs = FlowLoad.Messages.of(kind, size,
                        Integer.parseInt(opt.getOrDefault("deflate-level", "1")), Integer.parseInt(opt.getOrDefault("min-size", "256")));
                FlowLoad.Result r = FlowLoad.run(wires, connections, msgs, inflight, d, 1);
                Histogram h = r.latency();
                System.out.printf(Locale.ROOT, "%s: %d connections, %d in flight, %d B of %s%s: %s msgs/s (%,d in %.1f s,"
                                + " %d failed connections, %d bad echoes)%n", mode, connections, inflight, size, kind.describe(),
                        offer == null ? "" : ", permessage-deflate", si(r.rate()), r.messages(), r.seconds(), r.failed(), r.bad());
                if (offer != null) {
                    System.out.printf(Locale.ROOT, "compressed: %,d sent (wire/plain %.2f), %,d echoes (wire/plain %.2f)%n",
                            r.compressedOut(), r.ratioOut(), r.compressedIn(), r.ratioIn());
                }
                System.out.printf(Locale.ROOT, "round trip us: p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f  mean %.1f%n",
                        h.percentile(50) / 1e3, h.percentile(90) / 1e3, h.percentile(99) / 1e3, h.percentile(99.9) / 1e3,
                        h.max() / 1e3, h.mean() / 1e3);
            }
            case "connect" -> {
                int workers = Integer.parseInt(opt.getOrDefault("workers", String.valueOf(connections)));
                ConnectLoad.Result r = ConnectLoad.run(urls, workers, d, 1, offer);
                Histogram h = r.cycle();
                System.out.printf(Locale.ROOT, "connect: %d workers: %s handshakes/s (%,d in %.1f s, %d failed);"
                                + " cycle us p50 %.0f p99 %.0f%n", workers, si(r.rate()), r.handshakes(), r.seconds(), r.failed(),
                        h.percentile(50) / 1e3, h.percentile(99) / 1e3);
            }
            case "idle" -> idle(opt, wires, connections);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        System.exit(0);
    }

    private static void idle(Map<String, String> opt, List<WsWire> wires, int n) throws Exception {
        if (opt.containsKey("pid")) {
            ProcessHandle p = ProcessHandle.of(Long.parseLong(opt.get("pid")))
                    .orElseThrow(() -> new IllegalArgumentException("no process " + opt.get("pid")));
            Targets.Target t = new Targets.Target("server", wires.stream().map(w -> URI.create("ws://"
                    + w.address().getHostString() + ":" + w.address().getPort() + "/ws")).toList(), p, opt.containsKey("jvm"));
            IdleLoad.Result r = IdleLoad.measure(t, n, 1, wires.get(0).extensionOffer());
            System.out.printf(Locale.ROOT, "idle: %,d connections opened in %d ms; RSS %,d -> %,d kB: %,d B per connection%s%n",
                    n, r.openMillis(), r.rssBefore() / 1024, r.rssAfter() / 1024, r.rssPerConnection(),
                    r.heapBefore() < 0 ? "" : String.format(Locale.ROOT, "; live heap %,d B per connection", r.heapPerConnection()));
            return;
        }
        long t0 = System.nanoTime();
        var open = IdleLoad.open(wires, n, 1);
        System.out.printf(Locale.ROOT, "idle: %,d connections open (%d ms); Ctrl-C to close them%n", open.size(),
                (System.nanoTime() - t0) / 1_000_000);
        Thread.sleep(Long.MAX_VALUE);
    }

    /** {@code --key value} pairs; a {@code --flag} followed by another option (or nothing) maps to "". */
    static Map<String, String> options(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            }
            String key = args[i].substring(2);
            boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            m.put(key, hasValue ? args[++i] : "");
        }
        return m;
    }

    /** {@code 5s}, {@code 500ms}, {@code 2m}, or a bare number of seconds. */
    static Duration duration(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        if (v.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }

    /** 1234 -> "1.23k", 4100000 -> "4.10M"; three significant digits. */
    static String si(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (v >= 1e3) {
            return String.format(Locale.ROOT, v >= 1e5 ? "%.0fk" : v >= 1e4 ? "%.1fk" : "%.2fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }
}
