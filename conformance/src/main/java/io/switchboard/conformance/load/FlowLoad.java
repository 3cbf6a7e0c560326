package io.switchboard.conformance.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

import io.switchboard.ws.DeflateParams;
import io.switchboard.ws.Opcode;

/**
 * Echo load on one thread: N WebSockets, each keeping {@code inflight} messages outstanding and
 * sending a new one for each echo that comes back (closed loop). {@code inflight = 1} is the
 * classic request/response echo whose round trips go into the latency histogram; 16 is the
 * pipelined mode, where throughput is the figure.
 *
 * <p>One NIO selector thread, not a thread per connection: a single epoll wait serves every ready
 * socket, and the replies a read makes room for go out in one write per connection, so the
 * generator spends its core on syscalls the server also has to make, not on thread switches.
 * Only echoes that arrive inside the measured window count; after it, no new message is sent and
 * the loop waits (up to 2 s) for those still in flight before the connections are closed.
 *
 * <p>Each connection deals the distinct messages of its {@link Messages} in turn. When its wire
 * offers permessage-deflate and the server agrees, messages go out compressed (RSV1) as
 * {@link ClientDeflate} explains, and compressed echoes are inflated. Every echo is compared with
 * the message it answers (a whole message, however many frames it came in): a wrong one counts
 * as {@code bad}, so a figure bought with broken echoes shows.
 */
final class FlowLoad {
    private static final int RSV1 = 4;

    /**
     * What the connections send.
     *
     * @param bodies  distinct messages, all the same size, dealt in turn
     * @param opcode  TEXT or BINARY
     * @param level   zlib level when permessage-deflate is agreed (the route's {@code level})
     * @param minSize shorter messages go uncompressed (the route's {@code min-size})
     */
    record Messages(byte[][] bodies, int opcode, int level, int minSize) {
        /** 64 distinct messages of {@code size} bytes of {@code kind}. */
        static Messages of(Payloads.Kind kind, int size, int level, int minSize) {
            return new Messages(Payloads.of(kind, size, 64), kind == Payloads.Kind.JSON ? Opcode.TEXT : Opcode.BINARY,
                    level, minSize);
        }

        int size() {
            return bodies[0].length;
        }
    }

    /**
     * Messages echoed in the window, its length, round-trip times (ns), failed connections,
     * echoes that did not match what was sent, messages sent and echoes received compressed, and
     * payload bytes on the wire over plain bytes for each direction (1.0 when nothing compressed).
     */
    record Result(long messages, double seconds, Histogram latency, int failed, long bad,
                  long compressedOut, long compressedIn, double ratioOut, double ratioIn) {
        double rate() {
            return messages / seconds;
        }
    }

    private final List<WsWire> wires;
    private final Messages messages;
    private final int inflight;
    private final Histogram latency = new Histogram();
    private final Map<DeflateParams, ClientDeflate.Compressed> ahead = new HashMap<>();
    private long windowEnd;
    private boolean stopping;
    private long counted;
    private long outstanding;
    private int failed;
    private long bad;
    private long compressedOut;
    private long compressedIn;
    private long plainOut;
    private long wireOut;
    private long plainIn;
    private long wireIn;

    private FlowLoad(List<WsWire> wires, Messages messages, int inflight) {
        this.wires = wires;
        this.messages = messages;
        this.inflight = inflight;
    }

    /**
     * Runs one measurement.
     *
     * @param wires    servers; connection {@code i} goes to {@code wires[i % size]}
     * @param userBase connection {@code i} sends {@code X-User: u<userBase + i>}
     */
    static Result run(List<WsWire> wires, int connections, Messages messages, int inflight, Duration duration,
                      long userBase) throws IOException {
        return new FlowLoad(wires, messages, inflight).measure(connections, duration, userBase);
    }

    private Result measure(int connections, Duration duration, long userBase) throws IOException {
        List<Conn> conns = new ArrayList<>(connections);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < connections; i++) {
                WsWire wire = wires.get(i % wires.size());
                WsWire.Connected opened = wire.connect(userBase + i);
                opened.channel().configureBlocking(false);
                Conn c = new Conn(opened.channel(), wire, inflight, messages.size());
                c.key = opened.channel().register(selector, SelectionKey.OP_READ, c);
                c.next = i % messages.bodies().length;
                conns.add(c);
                if (wire.extensionOffer() != null && opened.deflate() == null) {
                    throw new IOException("the server declined permessage-deflate (" + wire.extensionOffer() + ")");
                }
                if (opened.deflate() != null) {
                    c.pmd = new ClientDeflate(opened.deflate(), messages.level(), messages.minSize());
                    if (c.pmd.resetsPerMessage()) {
                        c.ahead = ahead.computeIfAbsent(opened.deflate(), p -> ClientDeflate.Compressed.of(c.pmd, messages.bodies()));
                    }
                }
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
            return new Result(counted, duration.toNanos() / 1e9, latency, failed, bad, compressedOut, compressedIn,
                    plainOut == 0 ? 1 : (double) wireOut / plainOut, plainIn == 0 ? 1 : (double) wireIn / plainIn);
        } finally {
            for (Conn c : conns) {
                try {
                    c.ch.write(ByteBuffer.wrap(c.wire.closeFrame()));
                } catch (IOException e) {
                    // already gone
                }
                c.ch.close();
                if (c.pmd != null) {
                    c.pmd.release();
                }
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
        } catch (IOException | DataFormatException e) {
            if (e instanceof DataFormatException) {
                bad++;
            }
            fail(c);
        }
    }

    private void receive(Conn c) throws IOException, DataFormatException {
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
                if (len > a.length) {
                    c.growIn((int) len);
                }
                break;
            }
            int frame = pos;
            pos += (int) len;
            if (c.count == 0 || (a[frame] & 0x08) != 0) {
                continue; // a control frame, or nothing of ours outstanding: a frame the server sent on its own
            }
            if (frameOfEcho(c, a, frame, (int) len)) {
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
        }
        in = c.in; // growIn may have replaced it
        in.limit(limit).position(pos);
        in.compact();
        if (echoed > 0 && !stopping) {
            send(c, echoed, now);
        }
    }

    /**
     * Checks one data frame of the echo of the oldest outstanding message against it.
     *
     * @return true when the frame ended the echo (FIN)
     */
    private boolean frameOfEcho(Conn c, byte[] a, int frame, int len) throws DataFormatException {
        int b0 = a[frame] & 0xFF;
        int head = WsWire.headerLength(a, frame);
        if ((b0 & 0x0F) != Opcode.CONTINUATION) {
            c.rxCompressed = (b0 >> 4 & RSV1) != 0;
            c.rxOffset = 0;
            c.rxBad = (b0 & 0x0F) != messages.opcode() || c.rxCompressed && c.pmd == null;
            c.expected = messages.bodies()[c.index[c.head]];
        }
        int payload = len - head;
        wireIn += payload;
        if (c.rxCompressed && c.pmd != null) {
            c.pmd.inflate(a, frame + head, payload, c.checker);
        } else if (!c.rxCompressed) {
            c.check(a, frame + head, payload);
        }
        if ((b0 & 0x80) == 0) {
            return false;
        }
        if (c.rxCompressed && c.pmd != null) {
            c.pmd.endMessage(c.checker);
            compressedIn++;
        }
        plainIn += c.expected.length;
        if (c.rxBad || c.rxOffset != c.expected.length) {
            bad++;
        }
        return true;
    }

    private void send(Conn c, int n, long now) throws IOException {
        byte[][] bodies = messages.bodies();
        for (int k = 0; k < n; k++) {
            int i = c.next;
            c.next = (i + 1) % bodies.length;
            byte[] body = bodies[i];
            byte[] payload = body;
            if (c.pmd != null) {
                byte[] z = c.ahead != null ? c.ahead.payloads()[i] : c.pmd.compress(body);
                payload = z == null ? body : z;
            }
            int rsv = payload == body ? 0 : RSV1;
            if (c.out.remaining() < payload.length + 14) {
                c.growOut(payload.length + 14);
            }
            c.wire.putFrame(c.out, messages.opcode(), rsv, payload, payload.length);
            compressedOut += rsv == 0 ? 0 : 1;
            plainOut += body.length;
            wireOut += payload.length;
            int slot = (c.head + c.count) % c.sent.length;
            c.sent[slot] = now;
            c.index[slot] = i;
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

    /** One connection: its buffers, the send times and message numbers in flight (a ring), the echo being checked. */
    private static final class Conn {
        final java.nio.channels.SocketChannel ch;
        final WsWire wire;
        ByteBuffer in;
        ByteBuffer out;
        final long[] sent;
        final int[] index;
        SelectionKey key;
        int head;
        int count;
        int next;
        ClientDeflate pmd;
        ClientDeflate.Compressed ahead;
        boolean rxCompressed;
        boolean rxBad;
        int rxOffset;
        byte[] expected;
        final io.switchboard.ws.ChunkSink checker = (b, off, len) -> {
            check(b, off, len);
            return true;
        };

        Conn(java.nio.channels.SocketChannel ch, WsWire wire, int inflight, int size) {
            this.ch = ch;
            this.wire = wire;
            // room for every echo that can be outstanding, so a read never has to wait for space
            int room = Math.max(16 * 1024 + 64, 2 * inflight * (size + 14));
            this.in = ByteBuffer.allocate(room);
            this.out = ByteBuffer.allocate(room);
            this.sent = new long[inflight];
            this.index = new int[inflight];
        }

        /** Compares echoed bytes with the expected message at the current offset. */
        void check(byte[] b, int off, int len) {
            if (rxOffset + len > expected.length
                    || !Arrays.equals(b, off, off + len, expected, rxOffset, rxOffset + len)) {
                rxBad = true;
            }
            rxOffset += len;
        }

        /** A frame longer than the buffer (a server's own framing): make room for it. */
        void growIn(int frame) {
            ByteBuffer bigger = ByteBuffer.allocate(frame + 1024);
            bigger.put(in.array(), 0, in.position());
            in = bigger;
        }

        /** A compressed message can be a little longer than the plain one it was sized for. */
        void growOut(int need) {
            ByteBuffer bigger = ByteBuffer.allocate(out.capacity() + need + 1024);
            out.flip();
            bigger.put(out);
            out = bigger;
        }
    }
}
