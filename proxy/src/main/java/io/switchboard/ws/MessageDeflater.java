package io.switchboard.ws;

import java.util.zip.Deflater;

/**
 * Compresses outgoing messages for permessage-deflate (RFC 7692 §7.2.1), chunk by chunk: a message
 * is never held whole. Every message ends with a sync flush whose trailing {@code 00 00 ff ff} is
 * removed, so the compressed bytes stream out except the last four, which are held back until the
 * message ends.
 *
 * <p>The sender decides per message whether to compress (§6: RSV1 marks compressed messages), so
 * {@link #begin} declines messages known to be shorter than {@code minSize} (compressing them
 * costs more than it saves), and, when the peer limited this side's window below the JDK's fixed
 * 15 bits, any message that might not fit the window. The zlib stream is borrowed from a shared
 * pool for one message when the context is reset per message, and held by the connection only
 * with context takeover. Not thread-safe: one per leg, used by the thread writing that leg.
 */
public final class MessageDeflater {
    private static final int TAIL = 4;
    private final DeflateParams params;
    private final int level;
    private final int minSize;
    private ZlibPool.DeflateStream stream;
    private int held;

    /**
     * @param params  what the leg agreed, seen from this endpoint
     * @param level   zlib level 1..9
     * @param minSize messages known to be shorter go uncompressed
     */
    public MessageDeflater(DeflateParams params, int level, int minSize) {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("level must be 1..9; got " + level);
        }
        this.params = params;
        this.level = level;
        this.minSize = minSize;
    }

    /**
     * Starts a message and decides whether it is compressed.
     *
     * @param knownLength the message's length when known before it is sent (a single frame), else -1
     * @return true when the message is to be compressed (its first frame carries RSV1)
     */
    public boolean begin(long knownLength) {
        if (knownLength >= 0 && knownLength < minSize) {
            return false;
        }
        if (params.ownMaxWindowBits() < DeflateParams.MAX_WINDOW_BITS
                && (knownLength < 0 || knownLength > 1L << params.ownMaxWindowBits())) {
            return false; // a fresh stream over at most 2^bits bytes cannot reach further back
        }
        if (stream == null) {
            stream = ZlibPool.deflater(level);
        }
        held = 0;
        return true;
    }

    /**
     * Compresses one whole message at once (a client that has the message in hand).
     *
     * @return the compressed payload ({@code 00 00 ff ff} removed), or null when {@link #begin}
     *         declines the message: it is then sent plain, without RSV1
     */
    public byte[] compress(byte[] message) {
        if (!begin(message.length)) {
            return null;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(message.length / 2 + 16);
        ChunkSink collect = (b, off, len) -> {
            out.write(b, off, len);
            return true;
        };
        write(message, 0, message.length, collect);
        finish(collect);
        return out.toByteArray();
    }

    /** Compresses a chunk of the current message; output (possibly none yet) goes to {@code sink}. */
    public boolean write(byte[] b, int off, int len, ChunkSink sink) {
        Deflater d = stream.deflater();
        d.setInput(b, off, len);
        while (!d.needsInput()) {
            if (!drainOnce(Deflater.NO_FLUSH, sink)) {
                return false;
            }
        }
        return true;
    }

    /** Pushes out everything written so far (a sync flush), e.g. at the end of an incoming fragment. */
    public boolean flush(ChunkSink sink) {
        while (true) {
            int space = stream.out().length - held;
            int n = stream.deflater().deflate(stream.out(), held, space, Deflater.SYNC_FLUSH);
            if (!emit(n, sink)) {
                return false;
            }
            if (n < space) {
                return true;
            }
        }
    }

    /**
     * Ends the message: flushes, drops the {@code 00 00 ff ff} tail (§7.2.1) and, when the context
     * is reset per message, gives the stream back.
     */
    public boolean finish(ChunkSink sink) {
        if (!flush(sink)) {
            return false;
        }
        byte[] out = stream.out();
        if (held == 0) {
            // nothing was written since the last sync flush, and zlib refuses a second one without
            // input: the stream is byte-aligned, so a lone 0x00 is the empty message (§7.2.3.6)
            out[0] = 0;
            boolean more = sink.accept(out, 0, 1);
            if (params.resetsCompressor()) {
                release();
            }
            return more;
        }
        if (held != TAIL || out[0] != 0 || out[1] != 0 || out[2] != (byte) 0xff || out[3] != (byte) 0xff) {
            throw new IllegalStateException("a sync flush must end with 00 00 ff ff");
        }
        held = 0;
        if (params.resetsCompressor()) {
            release();
        }
        return true;
    }

    /** Gives back the zlib stream (end of connection, or a message abandoned). Idempotent. */
    public void release() {
        if (stream != null) {
            ZlibPool.release(stream);
            stream = null;
        }
    }

    private boolean drainOnce(int mode, ChunkSink sink) {
        int n = stream.deflater().deflate(stream.out(), held, stream.out().length - held, mode);
        return emit(n, sink);
    }

    /** Emits all but the last four bytes produced so far; those move to the front of the buffer. */
    private boolean emit(int n, ChunkSink sink) {
        int total = held + n;
        if (total <= TAIL) {
            held = total;
            return true;
        }
        byte[] out = stream.out();
        int tail = (out[total - 4] & 0xff) << 24 | (out[total - 3] & 0xff) << 16 | (out[total - 2] & 0xff) << 8
                | out[total - 1] & 0xff; // kept aside: the sink may modify what it is given
        boolean more = sink.accept(out, 0, total - TAIL);
        out[0] = (byte) (tail >>> 24);
        out[1] = (byte) (tail >>> 16);
        out[2] = (byte) (tail >>> 8);
        out[3] = (byte) tail;
        held = TAIL;
        return more;
    }
}
