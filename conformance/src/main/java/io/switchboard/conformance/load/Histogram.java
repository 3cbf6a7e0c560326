package io.switchboard.conformance.load;

/**
 * A log-bucketed histogram of non-negative {@code long} values (latencies in nanoseconds), in the
 * style of HdrHistogram: values below {@code 2^(S+1)} are counted exactly; above that, each power
 * of two is split into {@code 2^S} equal sub-buckets, so every recorded value is known to within a
 * relative error of {@code 2^-S}. With the default {@code S = 7} that is under 0.8 %, in a fixed
 * array of about 7,300 counters (58 kB) that covers the whole {@code long} range: recording is an
 * array increment, never an allocation.
 *
 * <p>Not thread-safe: keep one per thread (or event loop) and {@link #add} them afterwards.
 * Percentiles are reported like HdrHistogram's {@code getValueAtPercentile}: the highest value
 * that falls into the same bucket as the value at that rank (so they err on the high side).
 */
public final class Histogram {
    /** Sub-bucket bits of {@link #Histogram()}: 128 sub-buckets per power of two. */
    public static final int DEFAULT_SUB_BITS = 7;

    private final int subBits;
    private final long[] counts;
    private long total;
    private long min = Long.MAX_VALUE;
    private long max;
    private double sum;

    /** A histogram with {@link #DEFAULT_SUB_BITS}. */
    public Histogram() {
        this(DEFAULT_SUB_BITS);
    }

    /** @param subBits 1 to 16: relative precision {@code 2^-subBits} */
    public Histogram(int subBits) {
        if (subBits < 1 || subBits > 16) {
            throw new IllegalArgumentException("subBits must be 1..16: " + subBits);
        }
        this.subBits = subBits;
        this.counts = new long[indexOf(Long.MAX_VALUE, subBits) + 1];
    }

    /** Counts one value; negative values count as 0 (a clock that stepped back). */
    public void record(long value) {
        long v = Math.max(0, value);
        counts[indexOf(v, subBits)]++;
        total++;
        sum += v;
        if (v < min) {
            min = v;
        }
        if (v > max) {
            max = v;
        }
    }

    /** Adds every count of {@code other} (which must have the same precision) to this one. */
    public void add(Histogram other) {
        if (other.subBits != subBits) {
            throw new IllegalArgumentException("precision differs: " + other.subBits + " vs " + subBits);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
    }

    /** Values recorded. */
    public long count() {
        return total;
    }

    /** The smallest recorded value (exact), 0 when empty. */
    public long min() {
        return total == 0 ? 0 : min;
    }

    /** The largest recorded value (exact), 0 when empty. */
    public long max() {
        return max;
    }

    /** The arithmetic mean (exact), 0 when empty. */
    public double mean() {
        return total == 0 ? 0 : sum / total;
    }

    /**
     * The value at percentile {@code p} (0 to 100): the smallest bucket whose cumulative count
     * reaches {@code ceil(p / 100 * count)}, reported as that bucket's highest value, but never
     * above {@link #max()}. 0 when empty.
     */
    public long percentile(double p) {
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(Math.min(100, Math.max(0, p)) / 100.0 * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, highestInBucket(i, subBits));
            }
        }
        return max;
    }

    /** Clears all counts. */
    public void reset() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        sum = 0;
        min = Long.MAX_VALUE;
        max = 0;
    }

    /*
     * Index layout: v < 2^(S+1) is its own index. Otherwise shift = floor(log2 v) - S and
     * m = v >>> shift lies in [2^S, 2^(S+1)); index = shift * 2^S + m, which continues exactly
     * where the exact range ends (shift 1, m = 2^S gives 2^(S+1)).
     */
    static int indexOf(long v, int subBits) {
        if (v < (1L << (subBits + 1))) {
            return (int) v;
        }
        int shift = 63 - Long.numberOfLeadingZeros(v) - subBits;
        return (int) ((long) shift << subBits) + (int) (v >>> shift);
    }

    static long lowestInBucket(int index, int subBits) {
        if (index < (1 << (subBits + 1))) {
            return index;
        }
        int shift = (index >>> subBits) - 1;
        long m = index - ((long) shift << subBits);
        return m << shift;
    }

    static long highestInBucket(int index, int subBits) {
        if (index < (1 << (subBits + 1))) {
            return index;
        }
        int shift = (index >>> subBits) - 1;
        long m = index - ((long) shift << subBits);
        long high = ((m + 1) << shift) - 1;
        return high < 0 ? Long.MAX_VALUE : high; // the top bucket's end overflows
    }
}
