package io.switchboard.tunnel;

import io.switchboard.ws.ClosePayload;
import io.switchboard.ws.FrameHeader;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Masking;
import io.switchboard.ws.Opcode;

/**
 * Follows frame boundaries in one direction of a tunnel without touching payloads. Tunnel mode
 * never rewrites data frames (masks stay the client's), but it must know where each frame ends so
 * the proxy can put its own control frames between frames (RFC 6455 §5.4 allows control frames
 * between fragments) and read the Close frames that pass by (§5.5.1).
 *
 * <p>Not thread-safe: one scanner per direction, used by the thread that reads that direction.
 */
final class FrameScanner {
    /** RFC 6455 §5.2: 2 bytes + 8 bytes of extended length + 4 bytes of mask key at most. */
    private static final int MAX_HEADER = 14;

    private final byte[] partialHeader = new byte[MAX_HEADER];
    private int partialLength;
    private FrameHeader frame;
    private long remaining;
    private byte[] closeBytes;
    private int closeLength;
    private ClosePayload completedClose;
    private int completedOpcode = -1;
    private long frames;
    private long bytes;

    /**
     * Consumes bytes up to the end of the first frame that completes in the range, or the whole
     * range when none does.
     *
     * @return how many bytes of the range were consumed (at least 1 when {@code len > 0})
     */
    int advance(byte[] b, int off, int len) {
        completedOpcode = -1;
        completedClose = null;
        int pos = off;
        int end = off + len;
        while (pos < end) {
            if (frame == null) {
                int used = readHeader(b, pos, end - pos);
                pos += used;
                if (frame == null) {
                    break; // header still incomplete: every byte went into partialHeader
                }
            }
            int n = (int) Math.min(remaining, end - pos);
            if (closeBytes != null) {
                captureClose(b, pos, n);
            }
            pos += n;
            remaining -= n;
            if (remaining == 0) {
                completeFrame();
                break;
            }
        }
        bytes += pos - off;
        return pos - off;
    }

    /** Parses a header in place when it is whole in the range, else accumulates it. */
    private int readHeader(byte[] b, int off, int len) {
        if (partialLength == 0) {
            FrameHeader h = FrameHeaders.parse(b, off, len);
            if (h != null) {
                begin(h);
                return h.headerLength();
            }
        }
        int take = Math.min(MAX_HEADER - partialLength, len);
        System.arraycopy(b, off, partialHeader, partialLength, take);
        FrameHeader h = FrameHeaders.parse(partialHeader, 0, partialLength + take);
        if (h == null) {
            partialLength += take;
            return take;
        }
        int used = h.headerLength() - partialLength;
        partialLength = 0;
        begin(h);
        return used;
    }

    private void begin(FrameHeader h) {
        if (h.payloadLength() < 0) {
            // §5.2: the most significant bit of a 64-bit length must be 0; nothing after it can be framed
            throw new MalformedFrameException("64-bit payload length with the top bit set");
        }
        frame = h;
        remaining = h.payloadLength();
        if (h.opcode() == Opcode.CLOSE) {
            // a tunnel does not police sizes; capture at most what a legal Close carries (§5.5)
            closeBytes = new byte[(int) Math.min(125, h.payloadLength())];
            closeLength = 0;
        }
    }

    private void captureClose(byte[] b, int off, int n) {
        int take = Math.min(n, closeBytes.length - closeLength);
        System.arraycopy(b, off, closeBytes, closeLength, take);
        closeLength += take;
    }

    private void completeFrame() {
        completedOpcode = frame.opcode();
        frames++;
        if (closeBytes != null) {
            if (frame.masked()) {
                Masking.unmask(closeBytes, 0, closeLength, frame.maskKey(), 0);
            }
            completedClose = parseClose(closeBytes, closeLength);
            closeBytes = null;
        }
        frame = null;
    }

    private static ClosePayload parseClose(byte[] payload, int length) {
        try {
            return ClosePayload.parse(payload, 0, length);
        } catch (IllegalArgumentException e) {
            // a malformed Close still ends the session; the tunnel relays it as is (§7.1.5: 1005)
            return new ClosePayload(io.switchboard.ws.CloseCodes.NO_STATUS, "");
        }
    }

    /** A header no stream can continue after; the tunnel fails the connection (RFC 6455 §7.1.7). */
    static final class MalformedFrameException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedFrameException(String message) {
            super(message);
        }
    }

    /** True between frames: a control frame may be written now without corrupting the stream. */
    boolean atBoundary() {
        return frame == null && partialLength == 0;
    }

    /** The opcode of the frame the last {@link #advance} completed, or -1. */
    int completedOpcode() {
        return completedOpcode;
    }

    /** The Close payload when the last {@link #advance} completed a Close frame, else null. */
    ClosePayload completedClose() {
        return completedClose;
    }

    /** Frames completed so far. */
    long frames() {
        return frames;
    }

    /** Bytes consumed so far. */
    long bytes() {
        return bytes;
    }
}
