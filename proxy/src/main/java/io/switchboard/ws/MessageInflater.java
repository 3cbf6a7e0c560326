package io.switchboard.ws;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decompresses incoming permessage-deflate messages (RFC 7692 §7.2.2) as their payload arrives,
 * in chunks of at most 8 KiB, so a message is never held whole and the receiver can stop a
 * decompression bomb at its size limit. The {@code 00 00 ff ff} tail the sender removed is fed
 * back at the end of each message.
 *
 * <p>When the peer resets its context per message the zlib stream is borrowed from a shared pool
 * for one message; otherwise the connection holds it (the peer's next message may refer back into
 * this one's window). A sink may stop the decompression part way ({@link #resume} goes on), so a
 * caller that can write no more for now need not hold what a small input would inflate to.
 * Not thread-safe: one per leg, used by the thread reading that leg.
 */
public final class MessageInflater {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private final DeflateParams params;
    private ZlibPool.InflateStream stream;
    private boolean fed; // payload bytes of the current message went in
    private byte[] input; // what the zlib stream reads from; its unread bytes end at inputEnd
    private int inputEnd;

    /** @param params what the leg agreed, seen from this endpoint */
    public MessageInflater(DeflateParams params) {
        this.params = params;
    }

    /**
     * Decompresses a chunk of a compressed message's payload into {@code sink}. When the sink
     * stops, the input not yet decompressed is copied (the caller's array may be reused), and
     * {@link #resume} goes on with it.
     *
     * @return false when the sink stopped
     * @throws DataFormatException when the data is not a valid deflate stream
     */
    public boolean feed(byte[] b, int off, int len, ChunkSink sink) throws DataFormatException {
        if (stream == null) {
            stream = ZlibPool.inflater();
        }
        fed |= len > 0;
        Inflater inf = stream.inflater();
        if (inf.finished()) {
            if (len == 0) {
                return true;
            }
            inf.reset(); // §7.2.3.4: data may follow a block with BFINAL set; it starts a new stream
        }
        inf.setInput(b, off, len);
        input = b;
        inputEnd = off + len;
        return inflate(sink);
    }

    /**
     * Goes on decompressing what a stopped {@link #feed} kept.
     *
     * @return false when the sink stopped again
     */
    public boolean resume(ChunkSink sink) throws DataFormatException {
        return stream == null || inflate(sink);
    }

    private boolean inflate(ChunkSink sink) throws DataFormatException {
        Inflater inf = stream.inflater();
        while (true) {
            int n = inf.inflate(stream.out());
            if (n > 0) {
                if (!sink.accept(stream.out(), 0, n)) {
                    keepInput();
                    return false;
                }
                continue;
            }
            if (inf.needsDictionary()) {
                throw new DataFormatException("a preset dictionary is not allowed");
            }
            if (inf.finished() && inf.getRemaining() > 0) {
                int remaining = inf.getRemaining();
                inf.reset();
                inf.setInput(input, inputEnd - remaining, remaining);
                continue;
            }
            if (inf.needsInput() || inf.finished()) {
                input = null;
                return true;
            }
        }
    }

    /** The input still unread is at the end of the array given; it may be reused, so keep a copy. */
    private void keepInput() {
        int remaining = stream.inflater().getRemaining();
        input = java.util.Arrays.copyOfRange(input, inputEnd - remaining, inputEnd);
        inputEnd = remaining;
        stream.inflater().setInput(input, 0, remaining);
    }

    /** Ends the message: feeds back the removed tail and resets the context if the peer does. */
    public boolean finish(ChunkSink sink) throws DataFormatException {
        if (!fed) {
            return true; // an empty payload is an empty message; the stream is left as it was
        }
        boolean more = stream != null && stream.inflater().finished() || feed(TAIL, 0, TAIL.length, sink);
        fed = false;
        if (stream != null && (params.peerNoContextTakeover() || stream.inflater().finished())) {
            release(); // a final block (BFINAL) also ends the context: the next message starts afresh
        }
        return more;
    }

    /** Gives back the zlib stream (end of connection, or a message abandoned). Idempotent. */
    public void release() {
        fed = false;
        input = null;
        if (stream != null) {
            ZlibPool.release(stream);
            stream = null;
        }
    }
}
