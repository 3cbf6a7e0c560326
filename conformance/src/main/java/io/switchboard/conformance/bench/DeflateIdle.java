package io.switchboard.conformance.bench;

import io.switchboard.ws.DeflateNegotiation;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.switchboard.conformance.load.ClientDeflate;
import io.switchboard.conformance.load.EchoServer;
import io.switchboard.conformance.load.Payloads;

/**
 * {@code IdleMemoryBench N deflate}: memory per idle WebSocket through terminate mode, without
 * permessage-deflate and with it on the client leg, context takeover off and on, each in a fresh
 * proxy JVM (the same flags as {@link IdleMemoryBench#PROXY_JVM}) in front of one echo backend,
 * the benchmark's NIO {@link EchoServer} in its own JVM.
 *
 * <p>Why one message per connection: zlib state is created lazily, when a message is compressed
 * or inflated, so a connection that only handshook would show none. Each connection sends one
 * JSON-like text message (compressed when deflate was agreed) and reads its echo (compressed by
 * the proxy), then idles: without context takeover the streams went back to the proxy's shared
 * pool, with it the connection keeps its inflater and deflater for its whole life. Why a warm-up
 * of 100 such connections, opened and closed before the first reading: class loading, JIT code
 * and the pool's idle streams (at most 32 of each kind) are one-off costs, not per connection.
 */
final class DeflateIdle {
    private static final int WARMUP = 100;
    private static final int LEVEL = 1;
    private static final int MIN_SIZE = 64;

    /** One column: a route's extra YAML and the client's offer (null: none). */
    private record Mode(String title, String route, String offer) {
    }

    /** One column's readings. */
    private record Reading(Mode mode, long openMs, long rss0, long rss1, long heap0, long heap1, int compressedBack,
                           int alive, String histogram) {
    }

    private DeflateIdle() {
    }

    static void run(int n, boolean heartbeats, int messageSize) throws Exception {
        String deflate = "    deflate: {client: true, backend: false, context-takeover: %s, level: " + LEVEL
                + ", min-size: " + MIN_SIZE + "B}\n";
        List<Mode> modes = List.of(
                new Mode("terminate, no deflate", "    mode: terminate\n", null),
                new Mode("deflate, no context takeover", "    mode: terminate\n" + deflate.formatted("false"),
                        DeflateNegotiation.offer(false)),
                new Mode("deflate, context takeover", "    mode: terminate\n" + deflate.formatted("true"),
                        DeflateNegotiation.offer(true)));
        byte[] message = Payloads.json(messageSize, 1)[0];
        List<Reading> readings = new ArrayList<>();
        // the benchmark's NIO echo server: the demo's Helidon EchoBackend answers a 16 KiB message ~40 ms late
        try (ChildJvm backend = ChildJvm.start(List.of("-XX:+UseSerialGC"), EchoServer.class.getName(), "ready ", "1")) {
            String address = backend.awaitReady();
            for (Mode m : modes) {
                System.err.println("bench-idle: " + m.title() + "...");
                readings.add(measure(m, IdleMemoryBench.config(address, m.route(), heartbeats), n, message));
            }
        }
        System.out.printf(Locale.ROOT, "idle WebSockets through terminate mode: %,d per column, each after one %,d-byte"
                        + " message echoed (%s); deflate: client leg only, level %d, min-size %d B; heartbeats %s%n%n", n,
                messageSize, Payloads.Kind.JSON.describe(), LEVEL, MIN_SIZE, heartbeats ? "on (20s/10s, both legs)" : "off");
        StringBuilder t = new StringBuilder("| |");
        readings.forEach(r -> t.append(' ').append(r.mode().title()).append(" |"));
        t.append("\n|---|").append("---:|".repeat(readings.size())).append('\n');
        row(t, "RSS per connection", readings, r -> kb((r.rss1() - r.rss0()) / n));
        row(t, "live heap per connection", readings, r -> kb((r.heap1() - r.heap0()) / n));
        row(t, "RSS before / after (MB)", readings, r -> String.format(Locale.ROOT, "%.0f / %.0f", r.rss0() / 1e6, r.rss1() / 1e6));
        row(t, "live heap before / after (MB)", readings,
                r -> String.format(Locale.ROOT, "%.1f / %.1f", r.heap0() / 1e6, r.heap1() / 1e6));
        row(t, "echoes that came back compressed", readings, r -> String.format(Locale.ROOT, "%,d", r.compressedBack()));
        row(t, "connections alive after the readings", readings, r -> String.format(Locale.ROOT, "%,d", r.alive()));
        row(t, "opened (with the message) in", readings, r -> String.format(Locale.ROOT, "%,d ms", r.openMs()));
        System.out.println(t);
        for (Reading r : readings) {
            System.out.println("heap histogram (top 12) after full GC, " + r.mode().title() + ":");
            System.out.println(r.histogram());
        }
    }

    private static Reading measure(Mode mode, String yaml, int n, byte[] message) throws Exception {
        try (ChildJvm proxy = IdleMemoryBench.startProxy(yaml)) {
            int port = Integer.parseInt(proxy.awaitReady().replaceAll(".*:", ""));
            List<IdleClient> warm = openAll(port, WARMUP, mode.offer(), message, -WARMUP);
            closeAll(warm);
            Thread.sleep(1000);
            long rss0 = IdleMemoryBench.settledRss(proxy);
            long heap0 = IdleMemoryBench.heapUsed(proxy);
            long t0 = System.nanoTime();
            List<IdleClient> clients = new ArrayList<>(n);
            int compressed = 0;
            try {
                for (int i = 0; i < n; i++) {
                    IdleClient c = IdleClient.open(port, i, mode.offer());
                    clients.add(c);
                    compressed += c.exchange(message, LEVEL, MIN_SIZE) ? 1 : 0;
                }
                long openMs = (System.nanoTime() - t0) / 1_000_000;
                Thread.sleep(2000);
                long rss1 = IdleMemoryBench.settledRss(proxy);
                long heap1 = IdleMemoryBench.heapUsed(proxy);
                String histogram = String.join("\n", proxy.jcmd("GC.class_histogram").lines().limit(15).toList());
                int alive = 0;
                for (IdleClient c : clients) {
                    alive += c.alive() ? 1 : 0;
                }
                return new Reading(mode, openMs, rss0, rss1, heap0, heap1, compressed, alive, histogram);
            } finally {
                closeAll(clients);
            }
        }
    }

    private static List<IdleClient> openAll(int port, int n, String offer, byte[] message, int base) throws Exception {
        List<IdleClient> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            IdleClient c = IdleClient.open(port, base + i, offer);
            out.add(c);
            c.exchange(message, LEVEL, MIN_SIZE);
        }
        return out;
    }

    private static void closeAll(List<IdleClient> clients) {
        for (IdleClient c : clients) {
            try {
                c.close();
            } catch (java.io.IOException e) {
                // gone already
            }
        }
    }

    private static void row(StringBuilder t, String label, List<Reading> readings, java.util.function.Function<Reading, String> f) {
        t.append("| ").append(label).append(" |");
        readings.forEach(r -> t.append(' ').append(f.apply(r)).append(" |"));
        t.append('\n');
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%.1f kB", bytes / 1000.0);
    }
}
