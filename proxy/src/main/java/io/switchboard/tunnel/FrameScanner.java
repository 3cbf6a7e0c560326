package io.switchboard.tunnel;

import io.switchboard.ws.FrameHeader;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Masking;
import io.switchboard.ws.Opcode;

/**
 * Follows frame boundaries in one direction of a tunnel. Tunnel mode never rewrites data frames
 * (payloads pass through, client masks stay), but the proxy must know where each frame ends so it
 * can put frames of its own between them (RFC 6455 §5.4 allows control frames between the
 * fragments of a message), and it must see control frames whole: Close frames to follow the close
 * handshake (§5.5.1) and Pong frames to recognise answers to its own heartbeat pings, which are
 * consumed rather than forwarded.
 *
 * <p>So data-frame bytes stream straight to {@link Sink#data} as they arrive (header parsed in
 * place; consecutive data frames of one read go out as one run, so one read becomes one write), while a control frame (at most 125 bytes of payload, §5.5) is held until complete and
 * handed over whole to {@link Sink#control}. A header split across reads is held too, so the
 * output is never left inside a frame the sink has not decided to forward.
 *
 * <p>Not thread-safe: one scanner per direction, used by the thread that reads that direction.
 */
final class FrameScanner {
    /** Receives what the scanner finds, in stream order. */
    interface Sink {
        /** Bytes of a data frame (header included), to pass through; {@code endsFrame} when they end it. */
        void data(byte[] b, int off, int len, boolean endsFrame);

        /** A whole control frame: its wire bytes, its opcode and its unmasked payload. */
        void control(int opcode, byte[] frame, byte[] payload);

        /**
         * An illegal Close frame (payload over 125 bytes, RFC 6455 §5.5) was passed through as
         * data, already given to {@link #data}: the close handshake has still begun.
         */
        void passedClose();

        /**
         * Whether frames of the proxy's own wait for a frame boundary in the output: then a run
         * of data frames is cut at the next frame end, so they go out there instead of waiting
         * for a read that happens to end on a boundary (under a steady stream, that can take
         * thousands of reads).
         */
        default boolean wantsBoundary() {
            return false;
        }
    }

    /** A header no stream can continue after; the tunnel fails the connection (§7.1.7). */
    static final class MalformedFrameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedFrameException(String message) {
            super(message);
        }
    }

    /** A frame or message over the configured limit, seen in its header before any payload (1009, §7.4.1). */
    static final class TooBigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooBigException(String message) {
            super(message);
        }
    }

    private final long maxFrameSize;
    private final long maxMessageSize;
    private final byte[] partialHeader = new byte[FrameHeaders.MAX_HEADER_LENGTH];
    private int partialLength;
    private boolean headerStraddled;
    // the frame being scanned: primitives, not the parsed header, so parsing a header allocates
    // nothing once the JIT inlines it (the header record was 23 % of the bytes allocated per echo)
    private boolean inFrame;
    private int frameOpcode;
    private int frameHeaderLength;
    private long remaining;
    private byte[] held;
    private int heldLength;
    private long messageSize;
    private long frames;
    private long bytes;

    /**
     * @param maxFrameSize   largest data-frame payload accepted, 0 for no limit
     * @param maxMessageSize largest message (all fragments) accepted, 0 for no limit
     */
    FrameScanner(long maxFrameSize, long maxMessageSize) {
        this.maxFrameSize = maxFrameSize;
        this.maxMessageSize = maxMessageSize;
    }

    /** A scanner without size limits. */
    FrameScanner() {
        this(0, 0);
    }

    /**
     * Scans {@code len} bytes and reports what they hold to {@code sink}.
     *
     * @throws MalformedFrameException for a length with its top bit set
     * @throws TooBigException         for a frame or message over the limits
     */
    void feed(byte[] b, int off, int len, Sink sink) {
        int end = off + len;
        int pos = off;
        int runStart = -1; // start of a run of pass-through bytes not yet given to the sink
        while (pos < end) {
            if (!inFrame) {
                int headerStart = pos;
                pos = readHeader(b, pos, end);
                if (!inFrame) {
                    // header incomplete: held in partialHeader until the next read; what came before is whole
                    runStart = flush(sink, b, runStart, headerStart, true);
                    break;
                }
                if (held != null || headerStraddled) {
                    // everything before this header is whole frames
                    runStart = flush(sink, b, runStart, headerStart, true);
                }
                if (held == null && headerStraddled) {
                    sink.data(partialHeader, 0, frameHeaderLength, false);
                } else if (held == null && runStart < 0) {
                    runStart = headerStart;
                }
            }
            if (held == null && runStart < 0) {
                runStart = pos; // the payload of a data frame begun in an earlier read
            }
            int n = (int) Math.min(remaining, end - pos);
            if (held != null) {
                System.arraycopy(b, pos, held, heldLength, n);
                heldLength += n;
            }
            pos += n;
            remaining -= n;
            if (remaining == 0) {
                runStart = completeFrame(sink, b, runStart, pos);
            }
        }
        flush(sink, b, runStart, pos, !inFrame);
        bytes += len;
    }

    /** Returns the position after the header, with {@link #inFrame} set, or {@code end} when incomplete. */
    private int readHeader(byte[] b, int pos, int end) {
        FrameHeader h;
        int used;
        headerStraddled = false;
        if (partialLength == 0 && (h = FrameHeaders.parse(b, pos, end - pos)) != null) {
            used = h.headerLength();
        } else {
            int take = Math.min(partialHeader.length - partialLength, end - pos);
            System.arraycopy(b, pos, partialHeader, partialLength, take);
            h = FrameHeaders.parse(partialHeader, 0, partialLength + take);
            if (h == null) {
                partialLength += take;
                return end;
            }
            used = h.headerLength() - partialLength;
            partialLength = 0;
            headerStraddled = true; // the whole header now sits in partialHeader
        }
        begin(h);
        if (held != null) {
            System.arraycopy(headerStraddled ? partialHeader : b, headerStraddled ? 0 : pos, held, 0, h.headerLength());
            heldLength = h.headerLength();
        }
        return pos + used;
    }

    private void begin(FrameHeader h) {
        if (h.payloadLength() < 0) {
            // §5.2: the most significant bit of a 64-bit length must be 0; nothing after it can be framed
            throw new MalformedFrameException("64-bit payload length with the top bit set");
        }
        boolean control = Opcode.isControl(h.opcode());
        checkFrameSize(h); // control frames too: an illegal oversize one is passed on, but not past the limit
        if (!control) {
            checkMessageSize(h);
        }
        inFrame = true;
        frameOpcode = h.opcode();
        frameHeaderLength = h.headerLength();
        remaining = h.payloadLength();
        // a control frame over 125 bytes is illegal (§5.5); pass it through rather than hold it
        held = control && h.payloadLength() <= FrameHeaders.MAX_CONTROL_PAYLOAD
                ? new byte[(int) (h.headerLength() + h.payloadLength())] : null;
    }

    private void checkFrameSize(FrameHeader h) {
        if (maxFrameSize > 0 && h.payloadLength() > maxFrameSize) {
            throw new TooBigException("frame of " + h.payloadLength() + " bytes exceeds max-frame-size " + maxFrameSize);
        }
    }

    private void checkMessageSize(FrameHeader h) {
        messageSize = h.opcode() == Opcode.CONTINUATION ? messageSize + h.payloadLength() : h.payloadLength();
        if (maxMessageSize > 0 && messageSize > maxMessageSize) {
            throw new TooBigException("message of " + messageSize + "+ bytes exceeds max-message-size " + maxMessageSize);
        }
    }

    private int completeFrame(Sink sink, byte[] b, int runStart, int pos) {
        frames++;
        inFrame = false;
        if (held == null) {
            if (frameOpcode == Opcode.CLOSE) {
                runStart = flush(sink, b, runStart, pos, true);
                sink.passedClose();
            }
            if (sink.wantsBoundary()) {
                return flush(sink, b, runStart, pos, true); // the waiting frames go out here
            }
            return runStart; // a data frame ended: the run goes on, one write for the whole read
        }
        byte[] wire = held;
        held = null;
        FrameHeader h = FrameHeaders.parse(wire, 0, wire.length); // the held frame starts with its header
        byte[] payload = new byte[(int) h.payloadLength()];
        System.arraycopy(wire, h.headerLength(), payload, 0, payload.length);
        if (h.masked()) {
            Masking.unmask(payload, 0, payload.length, h.maskKey(), 0);
        }
        sink.control(h.opcode(), wire, payload);
        return -1;
    }

    /** Gives the pending run {@code [runStart, to)} to the sink; returns the new run start (-1). */
    private static int flush(Sink sink, byte[] b, int runStart, int to, boolean endsFrame) {
        if (runStart >= 0 && (to > runStart || endsFrame)) {
            sink.data(b, runStart, to - runStart, endsFrame);
        }
        return -1;
    }

    /** Frames completed so far. */
    long frames() {
        return frames;
    }

    /** Bytes scanned so far. */
    long bytes() {
        return bytes;
    }
}
