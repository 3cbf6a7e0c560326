package io.switchboard.balance;

import java.nio.charset.StandardCharsets;

/**
 * The hash behind consistent-hash placement: weighted rendezvous (highest random weight) scores.
 *
 * <p><b>The exact output of this class is part of the product's contract.</b> Every proxy replica
 * must place a key on the same backend, today and after an upgrade; changing any constant or step
 * here moves users between backends (and drops their sticky sessions). The golden-vector test
 * pins the placement; if it fails, the change is a breaking one.
 *
 * <p>Construction: FNV-1a 64 over the UTF-8 bytes of the key, a 0xFF separator (a byte that never
 * occurs in UTF-8, so key/id boundaries cannot be confused), then the UTF-8 bytes of the backend
 * id; the FNV state is then finished with the splitmix64 mixer, because FNV alone avalanches
 * poorly and near-identical ids ({@code ...:9001}, {@code ...:9002}) would correlate.
 *
 * <p>Weighted score: {@code -weight / ln(u)} with {@code u} in (0,1) taken from the 53 high bits
 * of the hash. For independent uniform {@code u}, the backend with the highest score wins with
 * probability {@code weight / totalWeight}, and removing a backend only moves the keys it owned.
 * {@link StrictMath#log} is used because {@link Math#log} may differ by an ulp between JVMs.
 */
public final class StableHash {
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final int SEPARATOR = 0xFF;
    private static final double TWO_POW_MINUS_53 = 0x1.0p-53;
    private static final double BELOW_ONE = Math.nextDown(1.0);

    private StableHash() {
    }

    /** The FNV-1a state after the key and the separator; feed it to {@link #hash(long, byte[])}. */
    public static long keyState(String key) {
        long h = fnv(FNV_OFFSET, key.getBytes(StandardCharsets.UTF_8));
        return (h ^ SEPARATOR) * FNV_PRIME;
    }

    /** The finished 64-bit hash of a key state (from {@link #keyState}) and a backend id's bytes. */
    public static long hash(long keyState, byte[] idUtf8) {
        return mix64(fnv(keyState, idUtf8));
    }

    /** The finished 64-bit hash of {@code key} and {@code backendId}. */
    public static long hash(String key, String backendId) {
        return hash(keyState(key), backendId.getBytes(StandardCharsets.UTF_8));
    }

    /** The weighted rendezvous score of a hash; higher wins. Always finite and positive. */
    public static double score(long hash, int weight) {
        // (53 high bits + 0.5) / 2^53 is above 0 but rounds to 1.0 for the all-ones hash (the sum
        // needs 54 bits); clamp below 1 so ln(u) is always finite and negative
        double u = Math.min(((hash >>> 11) + 0.5) * TWO_POW_MINUS_53, BELOW_ONE);
        return -weight / StrictMath.log(u);
    }

    /** The weighted rendezvous score of {@code key} on {@code backend}. */
    public static double score(String key, Backend backend) {
        return score(hash(key, backend.id()), backend.weight());
    }

    private static long fnv(long state, byte[] bytes) {
        long h = state;
        for (byte b : bytes) {
            h = (h ^ (b & 0xFF)) * FNV_PRIME;
        }
        return h;
    }

    /** The splitmix64 finalizer (Steele, Lea, Flood 2014): a bijection with full avalanche. */
    static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
