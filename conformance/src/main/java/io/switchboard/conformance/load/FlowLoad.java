package io.switchboard.conformance.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Echo load on one thread: N WebSockets, each keeping {@code inflight} binary messages of
 * {@code size} bytes outstanding and sending a new one for each echo that comes back
 * (closed loop). {@code inflight = 1} is the classic request/response echo whose round trips go
 * into the latency histogram; 16 is the pipelined mode, where throughput is the figure.
 *
 * <p>One NIO selector thread, not a thread per connection: a single epoll wait serves every ready
 * socket, and the replies a read makes room for go out in one write per connection, so the
 * generator spends its core on syscalls the server also has to make, not on thread switches.
 * Only echoes that arrive inside the measured window count; after it, no new message is sent and
 * the loop waits (up to 2 s) for those still in flight before the connections are closed.
 */
final class FlowLoad {
    /** Messages echoed in the window, its length, round-trip times (ns), and failed connections. */
    record Result(long messages, double seconds, Histogram latency, int failed) {
        double rate() {
            return messages / seconds;
        }
    }

    private final List<WsWire> wires;
    private final byte[] payload;
    private final int inflight;
    private final Histogram latency = new Histogram();
    private long windowEnd;
    private boolean stopping;
    private long counted;
    private long outstanding;
    private int failed;

    private FlowLoad(List<WsWire> wires, int size, int inflight) {
        this.wires = wires;
        this.payload = new byte[size];
        new java.util.Random(size).nextBytes(payload);
        this.inflight = inflight;
    }

    /**
     * Runs one measurement.
     *
     * @param wires    servers; connection {@code i} goes to {@code wires[i % size]}
     * @param userBase connection {@code i} sends {@code X-User: u<userBase + i>}
     */
    static Result run(List<WsWire> wires, int connections, int size, int inflight, Duration duration, long userBase)
            throws IOException {
        return new FlowLoad(wires, size, inflight).measure(connections, duration, userBase);
    }

    private Result measure(int connections, Duration duration, long userBase) throws IOException {
        List<Conn> conns = new ArrayList<>(connections);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                WsWire wire = wires.get(i % wires.size());
                SocketChannel ch = wire.open(userBase + i);
                ch.configureBlocking(false);
                Conn c = new Conn(ch, wire, inflight, payload.length);
                c.key = ch.register(selector, SelectionKey.OP_READ, c);
                conns.add(c);
            }
            long start = System.nanoTime();
            windowEnd = start + duration.toNanos();
            for (Conn c : conns) {
                send(c, inflight, start);
            }
            long drainUntil = Long.MAX_VALUE;
            while (true) {
                long now = System.nanoTime();
                if (!stopping && now >= windowEnd) {
                    stopping = true;
                    drainUntil = now + 2_000_000_000L;
                }
                if (stopping && (outstanding == 0 || now >= drainUntil)) {
                    break;
                }
                selector.select(this::ready, 50);
            }
            return new Result(counted, duration.toNanos() / 1e9, latency, failed);
        } finally {
            for (Conn c : conns) {
                try {
                    c.ch.write(ByteBuffer.wrap(c.wire.closeFrame()));
                } catch (IOException e) {
                    // already gone
                }
                c.ch.close();
            }
        }
    }

    private void ready(SelectionKey key) {
        Conn c = (Conn) key.attachment();
        try {
            if (key.isWritable()) {
                flush(c);
            }
            if (key.isValid() && key.isReadable()) {
                receive(c);
            }
        } catch (IOException e) {
            fail(c);
        }
    }

    private void receive(Conn c) throws IOException {
        ByteBuffer in = c.in;
        if (c.ch.read(in) < 0) {
            fail(c);
            return;
        }
        long now = System.nanoTime(); // one clock read per batch: every frame in it arrived by now
        byte[] a = in.array();
        int pos = 0;
        int limit = in.position();
        int echoed = 0;
        while (true) {
            long len = WsWire.frameLength(a, pos, limit - pos);
            if (len < 0 || len > limit - pos) {
                break;
            }
            pos += (int) len;
            if (c.count == 0) {
                continue; // nothing of ours outstanding: a frame the server sent on its own
            }
            long sentAt = c.sent[c.head];
            c.head = (c.head + 1) % c.sent.length;
            c.count--;
            outstanding--;
            echoed++;
            if (now <= windowEnd) {
                counted++;
                latency.record(now - sentAt);
            }
        }
        in.limit(limit).position(pos);
        in.compact();
        if (echoed > 0 && !stopping) {
            send(c, echoed, now);
        }
    }

    private void send(Conn c, int n, long now) throws IOException {
        for (int k = 0; k < n; k++) {
            c.wire.putFrame(c.out, payload);
            c.sent[(c.head + c.count) % c.sent.length] = now;
            c.count++;
            outstanding++;
        }
        flush(c);
    }

    private void flush(Conn c) throws IOException {
        ByteBuffer out = c.out;
        out.flip();
        c.ch.write(out);
        boolean rest = out.hasRemaining();
        out.compact();
        // backpressure: wait for the socket to take the rest before writing more
        int ops = rest ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
        if (c.key.interestOps() != ops) {
            c.key.interestOps(ops);
        }
    }

    private void fail(Conn c) {
        if (!c.key.isValid()) {
            return;
        }
        failed++;
        outstanding -= c.count;
        c.count = 0;
        c.key.cancel();
        try {
            c.ch.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }

    /** One connection: its buffers and the send times of its messages in flight (a ring). */
    private static final class Conn {
        final SocketChannel ch;
        final WsWire wire;
        final ByteBuffer in;
        final ByteBuffer out;
        final long[] sent;
        SelectionKey key;
        int head;
        int count;

        Conn(SocketChannel ch, WsWire wire, int inflight, int size) {
            this.ch = ch;
            this.wire = wire;
            // room for every echo that can be outstanding, so a read never has to wait for space
            int room = Math.max(16 * 1024, 2 * inflight * (size + 14));
            this.in = ByteBuffer.allocate(room);
            this.out = ByteBuffer.allocate(room);
            this.sent = new long[inflight];
        }
    }
}
