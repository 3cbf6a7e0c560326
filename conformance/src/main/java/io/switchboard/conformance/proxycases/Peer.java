package io.switchboard.conformance.proxycases;

import io.switchboard.ws.FrameHeader;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Masking;
import io.switchboard.ws.Opcode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One end of an open WebSocket over a raw socket, as a proxy case drives it: a client (masks
 * what it sends) or a backend (does not). Reads are explicit and bounded ({@link #read}), so a
 * case decides when to look and how long to wait; nothing is answered automatically, which is
 * what lets a case play a silent or half-dead peer.
 *
 * <p>Reads happen on one thread at a time; writes are serialised, so a case may write from
 * another thread while one reads.
 */
public final class Peer implements AutoCloseable {
    /** Frames longer than this are not buffered (no case provokes one). */
    private static final int MAX_FRAME = 16 << 20;

    private final String name;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final boolean client;
    private final CompletableFuture<Frame> closeOrEnd = new CompletableFuture<>();
    private byte[] buf;
    private int len;
    private Frame ended;

    /**
     * @param name     for logs ("client", "backend b1")
     * @param leftover bytes already read past the handshake head (a pipelined first frame)
     * @param client   true: frames sent are masked (the client role)
     */
    Peer(String name, Socket socket, byte[] leftover, boolean client) throws IOException {
        this.name = name;
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.client = client;
        this.buf = Arrays.copyOf(leftover, Math.max(16 * 1024, leftover.length));
        this.len = leftover.length;
    }

    /** The name given for logs. */
    public String name() {
        return name;
    }

    /**
     * The next frame, or the end-of-stream marker (again on every later call), or null when nothing
     * complete arrived within {@code timeout}.
     */
    public Frame read(Duration timeout) {
        if (ended != null) {
            return ended;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                Frame f = parse();
                if (f != null) {
                    return seen(f);
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                socket.setSoTimeout((int) Math.max(1, left));
                int n;
                try {
                    n = in.read(buf, len, buf.length - len);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                if (n < 0) {
                    return seen(Frame.end(len > 0 ? "EOF inside a frame, " + len + " bytes pending" : "EOF"));
                }
                len += n;
            }
        } catch (IOException e) {
            return seen(Frame.end("reset: " + e.getMessage()));
        }
    }

    /**
     * Reads until a frame matches {@code match} and returns it; returns the end-of-stream marker if
     * the stream ends first, null when the time is up. Frames passed over go to {@code skipped}.
     */
    public Frame readUntil(Predicate<Frame> match, Duration timeout, Consumer<Frame> skipped) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Frame f = read(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            if (f == null || f.isEnd() || match.test(f)) {
                return f;
            }
            skipped.accept(f);
        }
    }

    /**
     * Reads and discards until the stream ends; true when it ended within {@code timeout}.
     * For "was the socket closed" checks after the interesting frames were read.
     */
    public boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Frame f = read(Duration.ofNanos(deadline - System.nanoTime()));
            if (f != null && f.isEnd()) {
                return true;
            }
        }
        return ended != null;
    }

    /** Completed with the first Close frame or the end of the stream this peer read. */
    public CompletableFuture<Frame> closeOrEnd() {
        return closeOrEnd;
    }

    private Frame seen(Frame f) {
        if (f.isEnd()) {
            ended = f;
        }
        if (f.isEnd() || f.isClose()) {
            closeOrEnd.complete(f);
        }
        return f;
    }

    private Frame parse() throws IOException {
        FrameHeader h = FrameHeaders.parse(buf, 0, len);
        if (h == null) {
            return null;
        }
        if (h.payloadLength() < 0 || h.frameLength() > MAX_FRAME) {
            throw new IOException(name + ": frame of " + h.payloadLength() + " bytes is too long for the case");
        }
        int total = (int) h.frameLength();
        if (len < total) {
            if (buf.length < total) {
                buf = Arrays.copyOf(buf, total);
            }
            return null;
        }
        byte[] payload = Arrays.copyOfRange(buf, h.headerLength(), total);
        if (h.masked()) {
            Masking.unmask(payload, 0, payload.length, h.maskKey(), 0);
        }
        System.arraycopy(buf, total, buf, 0, len - total);
        len -= total;
        return new Frame(h.opcode(), h.fin(), h.masked(), payload, System.nanoTime(), null);
    }

    /** Sends one frame (masked with a fresh key in the client role), in one write. */
    public void send(int opcode, boolean fin, byte[] payload) throws IOException {
        write(encode(opcode, fin, payload, client));
    }

    /** Sends one unfragmented text message. */
    public void sendText(String text) throws IOException {
        send(Opcode.TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a Close frame with a code and a UTF-8 reason. */
    public void sendClose(int code, String reason) throws IOException {
        send(Opcode.CLOSE, true, closePayload(code, reason));
    }

    /** Writes bytes as they are, in one write (pre-encoded frames, partial frames). */
    public synchronized void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Ends TCP with a FIN and no Close frame (a peer that vanished politely). */
    public void drop() {
        close();
    }

    /** Ends TCP with a reset (SO_LINGER 0): a peer that crashed. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // already closed: nothing to reset
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** The payload of a Close frame: the code, then the reason in UTF-8. */
    static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    /** One frame on the wire; {@code mask}: with a fresh random key (frames toward a server). */
    static byte[] encode(int opcode, boolean fin, byte[] payload, boolean mask) {
        int key = mask ? Masking.newMaskKey() : 0;
        int head = FrameHeaders.headerLength(mask, payload.length);
        byte[] wire = new byte[head + payload.length];
        FrameHeaders.encode(wire, 0, fin, 0, opcode, mask, key, payload.length);
        System.arraycopy(payload, 0, wire, head, payload.length);
        if (mask) {
            Masking.mask(wire, head, payload.length, key, 0);
        }
        return wire;
    }
}
