package io.switchboard.conformance.load;

import java.util.zip.DataFormatException;

import io.switchboard.ws.DeflateNegotiation;
import io.switchboard.ws.DeflateParams;
import io.switchboard.ws.MessageDeflater;
import io.switchboard.ws.MessageInflater;

/**
 * The load generator's side of permessage-deflate (RFC 7692) on one connection, built on the
 * proxy's own codec: {@link DeflateNegotiation#offer} and {@link DeflateNegotiation#checkResponse}
 * for the handshake, {@link MessageDeflater} (at the level and minimum size the measured route
 * uses) for what it sends, {@link MessageInflater} for what comes back.
 *
 * <p>Compressing costs the generator's core as much as the proxy's, and that core also runs the
 * echo backend, so when the compressor is reset after every message (no context takeover, the
 * route default) {@link Compressed#of} compresses each distinct message once, before the clock
 * starts: with a fresh zlib context per message the bytes are exactly those a client compressing
 * at send time would produce. With context takeover every message depends on the ones before it,
 * so {@link #compress} is called per send instead.
 *
 * <p>Not thread-safe: one per connection, used by the thread that drives it.
 */
public final class ClientDeflate {
    private final DeflateParams params;
    private final MessageDeflater deflater;
    private final MessageInflater inflater;

    /**
     * @param params  what the server agreed, seen from this client ({@link DeflateNegotiation#checkResponse})
     * @param level   zlib level 1..9
     * @param minSize messages shorter than this go uncompressed (as the route's {@code min-size})
     */
    public ClientDeflate(DeflateParams params, int level, int minSize) {
        this.params = params;
        this.deflater = new MessageDeflater(params, level, minSize);
        this.inflater = new MessageInflater(params);
    }

    /** What was agreed, seen from this client. */
    public DeflateParams params() {
        return params;
    }

    /** Whether this client's compressor starts every message afresh, so messages can be compressed ahead. */
    public boolean resetsPerMessage() {
        return params.resetsCompressor();
    }

    /**
     * Compresses one whole message (§7.2.1: the trailing {@code 00 00 ff ff} removed).
     *
     * @return the compressed payload, or null when the deflater declines the message (shorter
     *         than the minimum size): it is then sent plain, without RSV1
     */
    public byte[] compress(byte[] message) {
        return deflater.compress(message);
    }

    /**
     * Inflates one frame's payload of a compressed message into {@code sink}.
     *
     * @throws DataFormatException when the server sent bad deflate data
     */
    public void inflate(byte[] b, int off, int len, io.switchboard.ws.ChunkSink sink) throws DataFormatException {
        inflater.feed(b, off, len, sink);
    }

    /** Ends a compressed message (feeds back the removed tail). */
    public void endMessage(io.switchboard.ws.ChunkSink sink) throws DataFormatException {
        inflater.finish(sink);
    }

    /** Gives the zlib streams back (held between messages only with context takeover). */
    public void release() {
        deflater.release();
        inflater.release();
    }

    /**
     * Distinct messages compressed once each, for a compressor that resets per message.
     *
     * @param payloads the plain messages; {@code payloads[i]} is null when message i goes plain
     */
    public record Compressed(byte[][] payloads) {
        /** Compresses each message with a fresh context, as {@code client} would at send time. */
        public static Compressed of(ClientDeflate client, byte[][] messages) {
            if (!client.resetsPerMessage()) {
                throw new IllegalStateException("with context takeover messages cannot be compressed ahead");
            }
            byte[][] c = new byte[messages.length][];
            for (int i = 0; i < messages.length; i++) {
                c[i] = client.compress(messages[i]);
            }
            return new Compressed(c);
        }

        /** Compressed bytes over plain bytes, over all messages (plain ones count as they are). */
        public double ratio(byte[][] messages) {
            long plain = 0;
            long wire = 0;
            for (int i = 0; i < messages.length; i++) {
                plain += messages[i].length;
                wire += payloads[i] == null ? messages[i].length : payloads[i].length;
            }
            return plain == 0 ? 1 : (double) wire / plain;
        }
    }
}
