package io.switchboard.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * An incremental, fail-fast UTF-8 validator for text messages and Close reasons (RFC 6455 §8.1:
 * invalid UTF-8 in a text message fails the connection, and §5.6 allows failing as soon as a
 * fragment proves it, not only at the end of the message).
 *
 * <p>Accepts exactly the well-formed sequences of RFC 3629 §4 (Unicode table 3-7): no overlong
 * forms, no surrogates U+D800..U+DFFF, nothing above U+10FFFF. A character may be split across
 * {@link #feed} calls. Once rejected, it stays rejected until {@link #reset}.
 *
 * <p>A small DFA: each byte maps to one of 13 classes, and the table gives the next state for
 * (state, class). Each state records which bytes the next one may be, so every check happens on
 * the byte that breaks the rule. Not thread-safe: one validator per message stream.
 */
public final class Utf8Validator {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long HIGH_BITS = 0x8080808080808080L;

    // states
    private static final int ACCEPT = 0;
    private static final int REJECT = 1;
    private static final int STATES = 9;

    // byte classes
    private static final int CLASSES = 13;
    private static final byte[] CLASS = new byte[256];

    static {
        classify(0x00, 0x7F, 0);  // ASCII
        classify(0x80, 0x8F, 1);  // continuation, low
        classify(0x90, 0x9F, 2);  // continuation, middle
        classify(0xA0, 0xBF, 3);  // continuation, high
        classify(0xC0, 0xC1, 4);  // would start an overlong 2-byte form: never valid
        classify(0xC2, 0xDF, 5);  // 2-byte lead
        classify(0xE0, 0xE0, 6);  // 3-byte lead; next A0..BF, else overlong
        classify(0xE1, 0xEC, 7);  // 3-byte lead
        classify(0xED, 0xED, 8);  // 3-byte lead; next 80..9F, else a surrogate
        classify(0xEE, 0xEF, 7);  // 3-byte lead
        classify(0xF0, 0xF0, 9);  // 4-byte lead; next 90..BF, else overlong
        classify(0xF1, 0xF3, 10); // 4-byte lead
        classify(0xF4, 0xF4, 11); // 4-byte lead; next 80..8F, else above U+10FFFF
        classify(0xF5, 0xFF, 12); // would encode above U+10FFFF: never valid
    }

    private static final int R = REJECT;

    /**
     * Next state by [state * CLASSES + class]. States: 0 accept, 1 reject, 2/3/4 expect 1/2/3
     * more continuation bytes (any of 80..BF), 5 after E0, 6 after ED, 7 after F0, 8 after F4.
     */
    private static final byte[] NEXT = {
        // ASCII 80-8F 90-9F A0-BF C0-C1 C2-DF  E0 E1-EF  ED  F0 F1-F3  F4 F5-FF
        0,       R,    R,    R,    R,    2,    5,   3,   6,  7,   4,   8,   R, // 0 accept
        R,       R,    R,    R,    R,    R,    R,   R,   R,  R,   R,   R,   R, // 1 reject
        R,       0,    0,    0,    R,    R,    R,   R,   R,  R,   R,   R,   R, // 2 need 1
        R,       2,    2,    2,    R,    R,    R,   R,   R,  R,   R,   R,   R, // 3 need 2
        R,       3,    3,    3,    R,    R,    R,   R,   R,  R,   R,   R,   R, // 4 need 3
        R,       R,    R,    2,    R,    R,    R,   R,   R,  R,   R,   R,   R, // 5 after E0
        R,       2,    2,    R,    R,    R,    R,   R,   R,  R,   R,   R,   R, // 6 after ED
        R,       R,    3,    3,    R,    R,    R,   R,   R,  R,   R,   R,   R, // 7 after F0
        R,       3,    R,    R,    R,    R,    R,   R,   R,  R,   R,   R,   R, // 8 after F4
    };

    static {
        if (NEXT.length != STATES * CLASSES) {
            throw new AssertionError("UTF-8 transition table is malformed");
        }
    }

    private int state = ACCEPT;

    /**
     * Validates the next bytes of the stream.
     *
     * @return false as soon as the bytes seen so far cannot begin valid UTF-8; true otherwise
     *         (possibly in the middle of a character: see {@link #isComplete})
     */
    public boolean feed(byte[] b, int off, int len) {
        int s = state;
        int end = off + len;
        int pos = off;
        while (pos < end && s != REJECT) {
            if (s == ACCEPT) {
                pos = skipAscii(b, pos, end);
                if (pos == end) {
                    break;
                }
            }
            s = NEXT[s * CLASSES + CLASS[b[pos] & 0xFF]];
            pos++;
        }
        state = s;
        return s != REJECT;
    }

    /** True when everything fed is valid and no character is left unfinished. */
    public boolean isComplete() {
        return state == ACCEPT;
    }

    /** True once the stream has proved invalid. */
    public boolean isRejected() {
        return state == REJECT;
    }

    /** Forgets everything fed, ready for a new message. */
    public void reset() {
        state = ACCEPT;
    }

    /** True when {@code b[off .. off+len)} is, by itself, complete valid UTF-8. */
    public static boolean isValid(byte[] b, int off, int len) {
        Utf8Validator v = new Utf8Validator();
        return v.feed(b, off, len) && v.isComplete();
    }

    /** Most text is ASCII: step over 8 such bytes at a time, then one at a time. */
    private static int skipAscii(byte[] b, int pos, int end) {
        while (end - pos >= 8 && ((long) LONGS.get(b, pos) & HIGH_BITS) == 0) {
            pos += 8;
        }
        while (pos < end && b[pos] >= 0) {
            pos++;
        }
        return pos;
    }

    private static void classify(int from, int to, int byteClass) {
        for (int i = from; i <= to; i++) {
            CLASS[i] = (byte) byteClass;
        }
    }
}
