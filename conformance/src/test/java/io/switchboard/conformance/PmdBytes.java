package io.switchboard.conformance;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * permessage-deflate payloads built with the JDK's zlib directly, independent of the proxy's own
 * codec, so tests do not check the proxy against itself.
 */
public final class PmdBytes {
    private PmdBytes() {
    }

    /** permessage-deflate compression of one message (RFC 7692 §7.2.1): raw DEFLATE, sync flush, tail removed. */
    public static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        do {
            n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH);
            out.write(buf, 0, n);
        } while (n == buf.length);
        d.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4); // drop 00 00 FF FF
    }

    /** The inverse of {@link #deflate}: the tail appended back, raw INFLATE. */
    public static byte[] inflate(byte[] data) throws DataFormatException {
        Inflater i = new Inflater(true);
        try {
            return inflate(i, data);
        } finally {
            i.end();
        }
    }

    /** One message through {@code i}, which keeps its window for the next (context takeover). */
    public static byte[] inflate(Inflater i, byte[] data) throws DataFormatException {
        byte[] withTail = Arrays.copyOf(data, data.length + 4);
        withTail[data.length + 2] = (byte) 0xff;
        withTail[data.length + 3] = (byte) 0xff;
        i.setInput(withTail);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (true) {
            int n = i.inflate(buf);
            if (n > 0) {
                out.write(buf, 0, n);
            } else if (i.needsInput() || i.finished() || i.needsDictionary()) {
                break;
            }
        }
        return out.toByteArray();
    }
}
