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
 * this one's window). Not thread-safe: one per leg, used by the thread reading that leg.
 */
public final class MessageInflater {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    private final DeflateParams params;
    private ZlibPool.InflateStream stream;

    /** @param params what the leg agreed, seen from this endpoint */
    public MessageInflater(DeflateParams params) {
        this.params = params;
    }

    /**
     * Decompresses a chunk of a compressed message's payload into {@code sink}.
     *
     * @return false when the sink stopped
     * @throws DataFormatException when the data is not a valid deflate stream
     */
    public boolean feed(byte[] b, int off, int len, ChunkSink sink) throws DataFormatException {
        if (stream == null) {
            stream = ZlibPool.inflater();
        }
        Inflater inf = stream.inflater();
        if (inf.finished()) {
            if (len > 0) {
                throw new DataFormatException("data after the final deflate block");
            }
            return true;
        }
        inf.setInput(b, off, len);
        while (true) {
            int n = inf.inflate(stream.out());
            if (n > 0) {
                if (!sink.accept(stream.out(), 0, n)) {
                    return false;
                }
                continue;
            }
            if (inf.needsDictionary()) {
                throw new DataFormatException("a preset dictionary is not allowed");
            }
            if (inf.finished() && inf.getRemaining() > 0) {
                throw new DataFormatException("data after the final deflate block");
            }
            if (inf.needsInput() || inf.finished()) {
                return true;
            }
        }
    }

    /** Ends the message: feeds back the removed tail and resets the context if the peer does. */
    public boolean finish(ChunkSink sink) throws DataFormatException {
        boolean more = stream != null && stream.inflater().finished() || feed(TAIL, 0, TAIL.length, sink);
        if (stream != null && (params.peerNoContextTakeover() || stream.inflater().finished())) {
            release(); // a final block (BFINAL) also ends the context: the next message starts afresh
        }
        return more;
    }

    /** Gives back the zlib stream (end of connection, or a message abandoned). Idempotent. */
    public void release() {
        if (stream != null) {
            ZlibPool.release(stream);
            stream = null;
        }
    }
}
