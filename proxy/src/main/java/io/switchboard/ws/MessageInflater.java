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
    private boolean fed; // payload bytes of the current message went in

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
        fed |= len > 0;
        Inflater inf = stream.inflater();
        if (inf.finished()) {
            if (len == 0) {
                return true;
            }
            inf.reset(); // §7.2.3.4: data may follow a block with BFINAL set; it starts a new stream
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
                int remaining = inf.getRemaining();
                inf.reset();
                inf.setInput(b, off + len - remaining, remaining);
                continue;
            }
            if (inf.needsInput() || inf.finished()) {
                return true;
            }
        }
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
        if (stream != null) {
            ZlibPool.release(stream);
            stream = null;
        }
    }
}
