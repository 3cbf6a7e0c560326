package io.switchboard.tunnel;

import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Masking;
import io.switchboard.ws.MessageDeflater;
import io.switchboard.ws.Opcode;

/**
 * Writes one terminate-mode message at a time to a leg as frames the proxy builds itself, for the
 * messages whose bytes change on the way through: compressed toward this leg, or decompressed
 * from the other one (RFC 7692). Other messages keep their incoming framing and never come here.
 *
 * <p>Bytes are gathered into frames of up to 16 KiB; the end of each incoming fragment pushes out
 * what has gathered (and sync-flushes the compressor), so a message streamed slowly in fragments
 * still reaches the peer as it comes. RSV1 marks only the first frame of a compressed message
 * (RFC 7692 §6.1); frames toward a backend get a fresh mask each (RFC 6455 §5.3). Not
 * thread-safe: used by the relay that writes this leg.
 */
final class MessageFramer {
    private static final int FRAME_PAYLOAD = 16 * 1024;
    private static final int KEEP_BUFFER = 1024;
    private static final int RSV1 = 4;
    private final Leg to;
    private final MessageDeflater deflater;
    private byte[] buffer;  // MAX_HEADER_LENGTH bytes of room, then the payload gathered so far
    private int gathered;
    private int opcode;
    private boolean compressing;

    /** @param deflater the leg's compressor, or null when the leg did not agree permessage-deflate */
    MessageFramer(Leg to, MessageDeflater deflater) {
        this.to = to;
        this.deflater = deflater;
    }

    /**
     * Starts a message (a message that goes plain and keeps its framing never comes further).
     *
     * @param knownLength its length when known up front (a single uncompressed frame), else -1
     * @return whether it will be compressed
     */
    boolean begin(int messageOpcode, long knownLength) {
        opcode = messageOpcode;
        gathered = 0;
        compressing = deflater != null && deflater.begin(knownLength);
        return compressing;
    }

    /** Adds message bytes (uncompressed). */
    void data(byte[] b, int off, int len) {
        if (compressing) {
            deflater.write(b, off, len, this::gather);
        } else {
            gather(b, off, len);
        }
    }

    /** An incoming fragment ended: send what has gathered as a non-final frame. */
    void fragmentEnded() {
        if (compressing) {
            deflater.flush(this::gather);
        }
        if (gathered > 0) {
            emit(false);
        }
    }

    /** The message ended: send the final frame (possibly empty, RFC 6455 §5.4). */
    void end() {
        if (compressing) {
            deflater.finish(this::gather);
        }
        emit(true);
        if (buffer != null && buffer.length > FrameHeaders.MAX_HEADER_LENGTH + KEEP_BUFFER) {
            buffer = null; // an idle connection keeps at most a small buffer
        }
    }

    /** Gives back the compressor's zlib stream. */
    void release() {
        if (deflater != null) {
            deflater.release();
        }
    }

    private boolean gather(byte[] b, int off, int len) {
        while (len > 0) {
            ensureRoom(len);
            int take = Math.min(len, FRAME_PAYLOAD - gathered);
            System.arraycopy(b, off, buffer, FrameHeaders.MAX_HEADER_LENGTH + gathered, take);
            gathered += take;
            off += take;
            len -= take;
            if (gathered == FRAME_PAYLOAD && len > 0) {
                emit(false);
            }
        }
        return true;
    }

    private void ensureRoom(int len) {
        int want = FrameHeaders.MAX_HEADER_LENGTH + Math.min(FRAME_PAYLOAD, gathered + len);
        if (buffer == null || buffer.length < want) {
            int size = buffer == null ? 256 : buffer.length * 2;
            byte[] bigger = new byte[Math.min(FrameHeaders.MAX_HEADER_LENGTH + FRAME_PAYLOAD, Math.max(size, want))];
            if (buffer != null) {
                System.arraycopy(buffer, FrameHeaders.MAX_HEADER_LENGTH, bigger, FrameHeaders.MAX_HEADER_LENGTH, gathered);
            }
            buffer = bigger;
        }
    }

    /** Writes the gathered bytes as one frame: its header goes right before the payload. */
    private void emit(boolean fin) {
        ensureRoom(0);
        boolean mask = to.masks();
        int key = mask ? Masking.newMaskKey() : 0;
        int headerLength = FrameHeaders.headerLength(mask, gathered);
        int start = FrameHeaders.MAX_HEADER_LENGTH - headerLength;
        int rsv = compressing && opcode != Opcode.CONTINUATION ? RSV1 : 0;
        FrameHeaders.encode(buffer, start, fin, rsv, opcode, mask, key, gathered);
        if (mask) {
            Masking.mask(buffer, FrameHeaders.MAX_HEADER_LENGTH, gathered, key, 0);
        }
        to.out.relay(buffer, start, headerLength + gathered, true);
        opcode = Opcode.CONTINUATION;
        gathered = 0;
    }
}
