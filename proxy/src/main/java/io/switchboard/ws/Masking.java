package io.switchboard.ws;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * RFC 6455 §5.3 payload masking: {@code octet i ^= maskKey[i mod 4]}, the same operation for
 * masking and unmasking.
 *
 * <p>The mask key is the {@code int} of {@link FrameHeader#maskKey()}: big-endian, so mask byte 0
 * (the first key byte on the wire) is its high byte.
 */
public final class Masking {
    /** Reads 8 payload bytes as one long; little-endian is native on x86 and ARM (no byte swap). */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** splitmix64's increment, the golden ratio in 64 bits. */
    private static final long GAMMA = 0x9e3779b97f4a7c15L;
    private static final AtomicLong SEED = new AtomicLong(new SecureRandom().nextLong());

    private Masking() {
    }

    /**
     * XORs {@code data[off .. off+len)} with the mask, in place.
     *
     * @param payloadOffset where {@code data[off]} lies within the frame's payload, so a payload
     *                      that arrives across several reads unmasks correctly piece by piece
     */
    public static void unmask(byte[] data, int off, int len, int maskKey, long payloadOffset) {
        if (off < 0 || len < 0 || off > data.length - len) {
            throw new IndexOutOfBoundsException("range " + off + "+" + len + " of " + data.length);
        }
        // rotate the key so that its high byte is the one data[off] needs (§5.3: index mod 4)
        int key = Integer.rotateLeft(maskKey, 8 * (int) (payloadOffset & 3));
        long bigEndianMask = (key & 0xFFFFFFFFL) << 32 | (key & 0xFFFFFFFFL);
        long mask = Long.reverseBytes(bigEndianMask); // first byte lowest, to match the LE view
        int pos = off;
        int wordsEnd = off + (len & ~7);
        for (; pos < wordsEnd; pos += 8) {
            LONGS.set(data, pos, (long) LONGS.get(data, pos) ^ mask);
        }
        // the tail starts at a multiple of 8 from off, so the mask phase is that of data[off]
        int end = off + len;
        for (int i = 0; pos < end; pos++, i++) {
            data[pos] ^= (byte) (key >>> (24 - 8 * (i & 3)));
        }
    }

    /** Masks in place; the same XOR as {@link #unmask}, named for the sending side. */
    public static void mask(byte[] data, int off, int len, int maskKey, long payloadOffset) {
        unmask(data, off, len, maskKey, payloadOffset);
    }

    /**
     * A fresh mask key for one frame (§5.3: a new key per frame, not predictable by the
     * application supplying the data).
     *
     * <p>splitmix64 over an atomic counter seeded once from {@link SecureRandom}: lock-free and
     * cheap enough to call per frame. It is not a cryptographic generator; §10.3 asks only that
     * the data's author (here, a remote client) cannot foresee the key, and the keys this proxy
     * makes are seen only by the backends it masks towards.
     */
    public static int newMaskKey() {
        long z = SEED.addAndGet(GAMMA);
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return (int) (z ^ (z >>> 31) ^ (z >>> 32));
    }
}
