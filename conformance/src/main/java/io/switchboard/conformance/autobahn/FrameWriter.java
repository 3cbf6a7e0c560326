package io.switchboard.conformance.autobahn;

import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Masking;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Encodes and writes the fuzzer's frames, always masked with a fresh key per frame (RFC 6455
 * §5.3), with any opcode, RSV bits and length, legal or not.
 *
 * <p>Write grouping mirrors the reference suite: ordinary frames are collected and written together
 * at the next {@link #flush} (the end of a script turn); a {@code sync} frame is written on its
 * own; a chopped frame is written {@code chop} bytes per socket write, each flushed (with
 * TCP_NODELAY each write leaves as its own segment). Write errors are swallowed: the reader
 * thread notices the broken connection and the case ends there.
 */
final class FrameWriter {
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private OutputStream out;
    private Outcome stats;
    private boolean broken;
    private int openMask;
    private long openOffset;

    void attach(OutputStream out, Outcome stats) {
        this.out = out;
        this.stats = stats;
    }

    /** One frame; see {@link Step.Frame} for chop and sync. Returns its length on the wire. */
    int frame(int opcode, boolean fin, int rsv, byte[] payload, int chop, boolean sync) {
        byte[] wire = encode(fin, rsv, opcode, payload);
        if (chop > 0) {
            flush();
            for (int i = 0; i < wire.length; i += chop) {
                write(wire, i, Math.min(chop, wire.length - i));
            }
        } else if (sync) {
            flush();
            write(wire, 0, wire.length);
        } else {
            pending.writeBytes(wire);
        }
        return wire.length;
    }

    /**
     * A message, fragmented when {@code fragmentSize} &gt; 0 and the payload is longer: frames of
     * that size, and, when the length is an exact multiple, a final empty continuation.
     */
    void message(boolean binary, byte[] payload, int fragmentSize) {
        message(binary, payload, fragmentSize, 0);
    }

    /**
     * A message as above whose first frame carries {@code firstRsv}; continuations never do
     * (RFC 7692 §6.1: RSV1 marks a compressed message on its first frame only).
     *
     * @return the bytes its frames take on the wire
     */
    long message(boolean binary, byte[] payload, int fragmentSize, int firstRsv) {
        int opcode = binary ? 2 : 1;
        if (fragmentSize <= 0 || payload.length <= fragmentSize) {
            return frame(opcode, true, firstRsv, payload, 0, false);
        }
        long wire = 0;
        boolean first = true;
        for (int i = 0; ; i += fragmentSize) {
            int end = i + fragmentSize;
            boolean last = end > payload.length;
            byte[] part = java.util.Arrays.copyOfRange(payload, i, Math.min(end, payload.length));
            wire += frame(first ? opcode : 0, last, first ? firstRsv : 0, part, 0, false);
            first = false;
            if (last) {
                return wire;
            }
        }
    }

    /** A Close frame with an optional code and raw reason bytes, unchecked. */
    void close(Integer code, byte[] reason) {
        int r = reason == null ? 0 : reason.length;
        byte[] body = new byte[(code == null ? 0 : 2) + r];
        int off = 0;
        if (code != null) {
            body[0] = (byte) (code >>> 8);
            body[1] = (byte) (int) code;
            off = 2;
        }
        if (reason != null) {
            System.arraycopy(reason, 0, body, off, r);
        }
        frame(8, true, 0, body, 0, false);
    }

    /** A Pong answering the peer's Ping, written at once. */
    void pong(byte[] payload) {
        frame(10, true, 0, payload, 0, false);
        flush();
    }

    /** The header of a frame whose payload follows in {@link #data} calls. */
    void beginFrame(int opcode, int length) {
        openMask = Masking.newMaskKey();
        openOffset = 0;
        byte[] header = new byte[FrameHeaders.MAX_HEADER_LENGTH];
        int n = FrameHeaders.encode(header, 0, true, 0, opcode, true, openMask, length);
        pending.write(header, 0, n);
        stats.framesSent++;
    }

    /** The next payload bytes of the frame opened by {@link #beginFrame}, masked in phase. */
    void data(byte[] bytes) {
        byte[] copy = bytes.clone();
        Masking.mask(copy, 0, copy.length, openMask, openOffset);
        openOffset += copy.length;
        pending.writeBytes(copy);
    }

    /** Writes whatever was collected since the last flush, as one socket write. */
    void flush() {
        if (pending.size() > 0) {
            byte[] b = pending.toByteArray();
            pending.reset();
            write(b, 0, b.length);
        }
    }

    private void write(byte[] b, int off, int len) {
        if (broken) {
            return;
        }
        try {
            out.write(b, off, len);
            out.flush();
            stats.octetsSent += len;
        } catch (IOException e) {
            broken = true;
        }
    }

    private byte[] encode(boolean fin, int rsv, int opcode, byte[] payload) {
        int key = Masking.newMaskKey();
        int headerLength = FrameHeaders.headerLength(true, payload.length);
        byte[] wire = new byte[headerLength + payload.length];
        FrameHeaders.encode(wire, 0, fin, rsv, opcode, true, key, payload.length);
        System.arraycopy(payload, 0, wire, headerLength, payload.length);
        Masking.mask(wire, headerLength, payload.length, key, 0);
        stats.framesSent++;
        return wire;
    }
}
