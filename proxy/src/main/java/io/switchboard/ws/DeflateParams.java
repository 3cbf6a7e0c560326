package io.switchboard.ws;

/**
 * What one leg agreed for permessage-deflate (RFC 7692), seen from this endpoint: "own" is the
 * direction this endpoint compresses, "peer" the direction it decompresses. For a server the own
 * parameters are the {@code server_*} ones of the response, for a client the {@code client_*} ones.
 *
 * @param ownNoContextTakeover  this endpoint resets its compressor after every message (§7.1.1)
 * @param peerNoContextTakeover the peer resets its compressor after every message, so this
 *                              endpoint may drop its decompressor's window between messages
 * @param ownMaxWindowBits      the largest LZ77 window this endpoint may use, 8..15 (§7.1.2); the
 *                              JDK's zlib always uses 15, so below 15 only messages that fit the
 *                              window are compressed, each with a fresh context
 */
public record DeflateParams(boolean ownNoContextTakeover, boolean peerNoContextTakeover, int ownMaxWindowBits) {
    /** The largest window RFC 7692 allows, and the only one {@link java.util.zip.Deflater} uses. */
    public static final int MAX_WINDOW_BITS = 15;
    /** The smallest window RFC 7692 allows. */
    public static final int MIN_WINDOW_BITS = 8;

    /** @throws IllegalArgumentException if the window bits are outside 8..15 */
    public DeflateParams {
        if (ownMaxWindowBits < MIN_WINDOW_BITS || ownMaxWindowBits > MAX_WINDOW_BITS) {
            throw new IllegalArgumentException("window bits must be 8..15; got " + ownMaxWindowBits);
        }
    }

    /** Whether the compressor must start every message afresh (no shared LZ77 history). */
    public boolean resetsCompressor() {
        return ownNoContextTakeover || ownMaxWindowBits < MAX_WINDOW_BITS;
    }
}
