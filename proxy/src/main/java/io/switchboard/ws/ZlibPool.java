package io.switchboard.ws;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Shares zlib streams between connections that reset their context after every message
 * ({@code no_context_takeover}): a stream is borrowed for one message and given back, so memory
 * follows the number of messages in flight, not the number of connections. A raw deflate stream
 * holds about 256 KiB of native memory (window 2^15 x 2 plus hash tables at zlib's default
 * memLevel 8), an inflate stream about 40 KiB. At most {@value #KEEP} idle streams of each kind
 * are kept; the rest are ended at once.
 */
final class ZlibPool {
    static final int BUFFER = 8192;
    private static final int KEEP = 32;

    /** A deflate stream at a given level with its output buffer. */
    record DeflateStream(Deflater deflater, byte[] out, int level) {
    }

    /** An inflate stream with its output buffer. */
    record InflateStream(Inflater inflater, byte[] out) {
    }

    @SuppressWarnings("unchecked")
    private static final ConcurrentLinkedQueue<DeflateStream>[] DEFLATE = new ConcurrentLinkedQueue[10];
    private static final AtomicInteger[] DEFLATE_IDLE = new AtomicInteger[10];
    private static final ConcurrentLinkedQueue<InflateStream> INFLATE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger INFLATE_IDLE = new AtomicInteger();

    static {
        for (int i = 0; i < DEFLATE.length; i++) {
            DEFLATE[i] = new ConcurrentLinkedQueue<>();
            DEFLATE_IDLE[i] = new AtomicInteger();
        }
    }

    private ZlibPool() {
    }

    static DeflateStream deflater(int level) {
        DeflateStream s = DEFLATE[level].poll();
        if (s == null) {
            return new DeflateStream(new Deflater(level, true), new byte[BUFFER], level);
        }
        DEFLATE_IDLE[level].decrementAndGet();
        return s;
    }

    static void release(DeflateStream s) {
        s.deflater().reset();
        if (DEFLATE_IDLE[s.level()].incrementAndGet() <= KEEP) {
            DEFLATE[s.level()].offer(s);
        } else {
            DEFLATE_IDLE[s.level()].decrementAndGet();
            s.deflater().end();
        }
    }

    static InflateStream inflater() {
        InflateStream s = INFLATE.poll();
        if (s == null) {
            return new InflateStream(new Inflater(true), new byte[BUFFER]);
        }
        INFLATE_IDLE.decrementAndGet();
        return s;
    }

    static void release(InflateStream s) {
        s.inflater().reset();
        if (INFLATE_IDLE.incrementAndGet() <= KEEP) {
            INFLATE.offer(s);
        } else {
            INFLATE_IDLE.decrementAndGet();
            s.inflater().end();
        }
    }
}
