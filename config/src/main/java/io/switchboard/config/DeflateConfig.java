package io.switchboard.config;

/**
 * permessage-deflate (RFC 7692) on a terminate-mode route, negotiated separately on each leg: a
 * route can compress toward clients while talking plain to its backends (compression offload), or
 * the reverse. In tunnel mode extensions are negotiated end to end by client and backend, so this
 * section is refused there.
 *
 * @param client          accept the clients' permessage-deflate offers (default false)
 * @param backend         offer permessage-deflate to the backends (default false)
 * @param contextTakeover keep each compressor's 32 KiB LZ77 window from one message to the next
 *                        (default false). True compresses chatty streams better but pins about
 *                        300 KiB of zlib state per compressed leg for the life of the connection;
 *                        false asks both sides for {@code no_context_takeover}, so zlib state is
 *                        borrowed from a shared pool only while a message is being (de)compressed
 * @param level           zlib level 1 (fastest) to 9 (smallest), default 1: a proxy's CPU is shared
 *                        by every connection it carries
 * @param minSize         messages known to be shorter than this go uncompressed (default 256 bytes: below that
 *                        deflate saves a few bytes for a large share of the CPU)
 */
public record DeflateConfig(boolean client, boolean backend, boolean contextTakeover, int level, long minSize) {
    /** Off on both legs. */
    public static final DeflateConfig OFF = new DeflateConfig(false, false, false, 1, 256);

    /** @throws IllegalArgumentException if level is outside 1..9 or minSize is negative */
    public DeflateConfig {
        if (level < 1 || level > 9) {
            throw new IllegalArgumentException("level must be 1..9; got " + level);
        }
        if (minSize < 0) {
            throw new IllegalArgumentException("min-size must be >= 0; got " + minSize);
        }
    }

    /** Whether either leg may compress. */
    public boolean enabled() {
        return client || backend;
    }
}
