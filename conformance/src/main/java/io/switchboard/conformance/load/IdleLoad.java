package io.switchboard.conformance.load;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Memory per idle proxied WebSocket, the way {@code bench.IdleMemoryBench} measures it: the
 * server's resident memory before and after opening N WebSockets that then say nothing, each
 * reading taken at a steady state (after two full GCs when the server is a JVM), divided by N.
 * Kernel socket buffers are not in a process's RSS, so this is what the proxy itself holds.
 *
 * <p>A warm-up of a few hundred connections, opened and closed first, keeps one-off costs (class
 * loading, JIT code, first pool allocations) out of the per-connection figure.
 */
public final class IdleLoad {
    /**
     * WebSockets opened and closed before the first reading (fewer when fewer are measured): with
     * 50, the JIT was still compiling the upgrade path during the measured opens.
     */
    public static final int WARMUP = 500;

    /** RSS and (JVM only, else -1) live heap growth, total and per connection. */
    record Result(int connections, long rssBefore, long rssAfter, long heapBefore, long heapAfter, long openMillis) {
        long rssPerConnection() {
            return (rssAfter - rssBefore) / connections;
        }

        long heapPerConnection() {
            return heapBefore < 0 ? -1 : (heapAfter - heapBefore) / connections;
        }
    }

    private IdleLoad() {
    }

    /**
     * @param userBase the first of the {@code n + WARMUP} user ids the connections use
     * @param offer    a {@code Sec-WebSocket-Extensions} offer every upgrade carries, or null
     */
    static Result measure(Targets.Target target, int n, long userBase, String offer)
            throws IOException, InterruptedException {
        List<WsWire> wires = new ArrayList<>();
        SecureRandom seeds = new SecureRandom();
        for (URI u : target.urls()) {
            wires.add(new WsWire(u, seeds.nextLong(), offer));
        }
        closeAll(open(wires, Math.min(WARMUP, n), userBase + n));
        Thread.sleep(500);
        target.settle();
        long rss0 = target.rssBytes();
        long heap0 = target.jvm() ? liveHeap(target) : -1;
        long t0 = System.nanoTime();
        List<SocketChannel> open = open(wires, n, userBase);
        long openMillis = (System.nanoTime() - t0) / 1_000_000;
        try {
            Thread.sleep(1000);
            target.settle();
            long rss1 = target.rssBytes();
            long heap1 = target.jvm() ? liveHeap(target) : -1;
            return new Result(n, rss0, rss1, heap0, heap1, openMillis);
        } finally {
            closeAll(open);
            Thread.sleep(500);
        }
    }

    /** Opens {@code n} WebSockets, connection {@code i} to {@code wires[i % size]}. */
    static List<SocketChannel> open(List<WsWire> wires, int n, long userBase) throws IOException {
        List<SocketChannel> open = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                open.add(wires.get(i % wires.size()).open(userBase + i));
            }
            return open;
        } catch (IOException e) {
            closeAll(open);
            throw new IOException("opened " + open.size() + " of " + n + ": " + e.getMessage(), e);
        }
    }

    static void closeAll(List<SocketChannel> channels) {
        for (SocketChannel ch : channels) {
            try {
                ch.close();
            } catch (IOException e) {
                // gone already
            }
        }
    }

    /** Live heap bytes after a full GC: the total line of a class histogram. */
    private static long liveHeap(Targets.Target target) throws IOException, InterruptedException {
        String[] lines = Targets.jcmd(target.process().pid(), "GC.class_histogram").strip().split("\n");
        String[] total = lines[lines.length - 1].trim().split("\\s+");
        return Long.parseLong(total[2]);
    }
}
