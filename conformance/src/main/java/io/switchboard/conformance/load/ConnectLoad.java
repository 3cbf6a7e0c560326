package io.switchboard.conformance.load;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Handshake rate: {@code workers} threads, each in a loop that opens a TCP connection, sends the
 * upgrade request, reads the 101, sends a Close (1000), reads the server's Close and closes the
 * socket; one complete cycle is one handshake. A cycle counts when it ends inside the window.
 *
 * <p>The client closes its socket right after reading the server's Close (it does not wait for
 * the server's FIN), like most clients; the TIME_WAIT this leaves on loopback is reused by the
 * kernel ({@code net.ipv4.tcp_tw_reuse} 2, the default, covers loopback), so ports do not run out.
 * Platform threads rather than virtual ones: blocking reads then cost one syscall each instead
 * of a park, an epoll re-arm and an unpark.
 */
final class ConnectLoad {
    /** Handshakes completed in the window, its length, cycle times (ns), failed cycles. */
    record Result(long handshakes, double seconds, Histogram cycle, long failed) {
        double rate() {
            return handshakes / seconds;
        }
    }

    private ConnectLoad() {
    }

    /**
     * @param urls     servers; worker {@code w} connects to {@code urls[w % size]}
     * @param userBase every handshake sends a distinct {@code X-User: u<n>}, n counting from this
     * @param offer    a {@code Sec-WebSocket-Extensions} offer every upgrade carries, or null
     */
    static Result run(List<java.net.URI> urls, int workers, Duration duration, long userBase, String offer)
            throws InterruptedException {
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicLong users = new AtomicLong(userBase);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        List<Histogram> histograms = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Histogram h = new Histogram();
            histograms.add(h);
            WsWire wire = new WsWire(urls.get(w % urls.size()), new java.security.SecureRandom().nextLong(), offer);
            threads.add(Thread.ofPlatform().daemon().stackSize(256 * 1024).name("connect-" + w)
                    .start(() -> loop(wire, end, users, done, failed, h)));
        }
        for (Thread t : threads) {
            t.join();
        }
        Histogram all = new Histogram();
        histograms.forEach(all::add);
        return new Result(done.sum(), duration.toNanos() / 1e9, all, failed.sum());
    }

    private static void loop(WsWire wire, long end, AtomicLong users, LongAdder done, LongAdder failed, Histogram h) {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        byte[] close = wire.closeFrame();
        while (true) {
            long t0 = System.nanoTime();
            if (t0 >= end) {
                return;
            }
            try {
                cycle(wire, users.getAndIncrement(), buf, close);
                long t1 = System.nanoTime();
                if (t1 <= end) {
                    done.increment();
                    h.record(t1 - t0);
                }
            } catch (IOException | RuntimeException e) {
                failed.increment();
                try {
                    Thread.sleep(1); // do not spin on a refusing server
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    private static void cycle(WsWire wire, long user, ByteBuffer buf, byte[] close) throws IOException {
        try (SocketChannel ch = SocketChannel.open()) {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(wire.address());
            ch.write(ByteBuffer.wrap(wire.request(user)));
            WsWire.readHead(ch, buf);
            int headEnd = WsWire.endOfHead(buf.array(), buf.position());
            ch.write(ByteBuffer.wrap(close));
            // the server's Close may already be behind the head; read until one whole frame is here
            while (true) {
                long len = WsWire.frameLength(buf.array(), headEnd, buf.position() - headEnd);
                if (len >= 0 && len <= buf.position() - headEnd) {
                    return;
                }
                if (ch.read(buf) < 0) {
                    return; // a TCP close instead of a Close frame also ends the connection
                }
            }
        }
    }
}
