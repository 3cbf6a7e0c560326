package io.switchboard.conformance.autobahn;

import io.switchboard.ws.FrameHeader;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Masking;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads the peer's byte stream on its own thread and cuts it into whole frames, whatever the
 * TCP segmentation. It judges nothing (the {@link Fuzzer} does, on its event loop); it only
 * refuses to buffer a frame longer than {@link #MAX_FRAME} (reported as {@code null} payload).
 * Reading never stops while the loop is busy writing, so a peer echoing while we send cannot
 * deadlock the two sides.
 */
final class FrameReader implements Runnable {
    /** Larger than any frame a case provokes (16 MiB plus slack). */
    static final long MAX_FRAME = 64L << 20;

    /** Receives frames and the end of the stream, in order, on the reader thread. */
    interface Sink {
        /** A whole frame; {@code payload} unmasked, or null when the frame was too long to buffer. */
        void frame(FrameHeader header, byte[] payload);

        /** The stream ended (EOF, reset, or our own close). */
        void lost(String why);
    }

    private final InputStream in;
    private final Sink sink;
    private byte[] buf;
    private int len;

    FrameReader(InputStream in, byte[] leftover, Sink sink) {
        this.in = in;
        this.sink = sink;
        this.buf = Arrays.copyOf(leftover, Math.max(64 * 1024, leftover.length));
        this.len = leftover.length;
    }

    @Override
    public void run() {
        String why = "peer closed the TCP connection";
        try {
            while (true) {
                if (!drainFrames()) {
                    why = "frame too long to buffer";
                    sink.lost(why);
                    return;
                }
                if (len == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) {
                    break;
                }
                len += n;
            }
        } catch (IOException e) {
            why = "connection error: " + e.getMessage();
        }
        sink.lost(why);
    }

    /** Hands over every complete frame in the buffer; false after an unbufferable frame. */
    private boolean drainFrames() {
        int pos = 0;
        while (true) {
            FrameHeader h = FrameHeaders.parse(buf, pos, len - pos);
            if (h == null) {
                break;
            }
            if (h.payloadLength() < 0 || h.frameLength() > MAX_FRAME) {
                sink.frame(h, null);
                return false;
            }
            if (len - pos < h.frameLength()) {
                if (buf.length < h.frameLength()) {
                    compact(pos);
                    pos = 0;
                    buf = Arrays.copyOf(buf, (int) h.frameLength());
                }
                break;
            }
            int start = pos + h.headerLength();
            byte[] payload = Arrays.copyOfRange(buf, start, start + (int) h.payloadLength());
            if (h.masked()) {
                Masking.unmask(payload, 0, payload.length, h.maskKey(), 0);
            }
            pos += (int) h.frameLength();
            sink.frame(h, payload);
        }
        compact(pos);
        return true;
    }

    private void compact(int pos) {
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, len - pos);
            len -= pos;
        }
    }
}
