package io.switchboard.tunnel;

import java.util.Arrays;

/**
 * The bytes of an HTTP head that arrives in more than one read, kept until its blank line (RFC
 * 9112 §2.1). The request heads the {@link Acceptor} reads and the backends' answers
 * ({@link ResponseHead.Gatherer}) both gather this way; a head that comes whole in one read never
 * needs one, because both callers look for the blank line in that read first.
 */
final class HeadBytes {
    private byte[] buf;
    private int len;

    /**
     * Appends the first {@code n} bytes of {@code b} (the caller may reuse {@code b} afterwards).
     *
     * @param limit look for the blank line in the first {@code limit} bytes only
     * @return where the head ends in {@link #bytes()} (just after its blank line), or -1 when it
     *         has not arrived yet
     */
    int append(byte[] b, int n, int limit) {
        if (buf == null) {
            buf = new byte[Math.max(2048, n)];
        } else if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
        System.arraycopy(b, 0, buf, len, n);
        int scanFrom = Math.max(0, len - 3); // the blank line may straddle two reads
        len += n;
        return ResponseHead.indexOfBlankLine(buf, scanFrom, Math.min(len, limit));
    }

    /** The bytes gathered so far, valid up to {@link #length()}. */
    byte[] bytes() {
        return buf;
    }

    int length() {
        return len;
    }
}
