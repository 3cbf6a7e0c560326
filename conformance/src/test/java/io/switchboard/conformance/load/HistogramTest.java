package io.switchboard.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;

import org.junit.jupiter.api.Test;

class HistogramTest {
    @Test
    void smallValuesAreExact() {
        Histogram h = new Histogram();
        for (int v = 1; v <= 100; v++) {
            h.record(v);
        }
        assertThat(h.percentile(50)).isEqualTo(50);
        assertThat(h.percentile(99)).isEqualTo(99);
        assertThat(h.percentile(100)).isEqualTo(100);
        assertThat(h.percentile(0)).isEqualTo(1);
        assertThat(h.min()).isEqualTo(1);
        assertThat(h.mean()).isCloseTo(50.5, within(1e-9));
    }

    @Test
    void bucketsAreContiguousAndWithinPrecision() {
        int bits = Histogram.DEFAULT_SUB_BITS;
        long previousHigh = -1;
        for (int i = 0; i <= Histogram.indexOf(Long.MAX_VALUE, bits); i++) {
            long low = Histogram.lowestInBucket(i, bits);
            long high = Histogram.highestInBucket(i, bits);
            assertThat(low).as("bucket %d starts where %d ended", i, i - 1).isEqualTo(previousHigh + 1);
            assertThat(Histogram.indexOf(low, bits)).isEqualTo(i);
            assertThat(Histogram.indexOf(high, bits)).isEqualTo(i);
            assertThat((double) (high - low)).isLessThanOrEqualTo(Math.max(0, low / (double) (1 << bits)));
            previousHigh = high;
        }
        assertThat(previousHigh).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void percentilesOfAUniformSpreadAreWithinOnePercent() {
        Histogram h = new Histogram();
        Random r = new Random(42);
        long[] values = new long[200_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 1_000 + r.nextInt(1_000_000);
            h.record(values[i]);
        }
        java.util.Arrays.sort(values);
        for (double p : new double[] {50, 90, 99, 99.9}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            assertThat((double) h.percentile(p)).as("p%s", p).isCloseTo(exact, within(exact * 0.01));
            assertThat(h.percentile(p)).isGreaterThanOrEqualTo(exact);
        }
        assertThat(h.max()).isEqualTo(values[values.length - 1]);
    }

    @Test
    void addMergesCountsAndExtremes() {
        Histogram a = new Histogram();
        Histogram b = new Histogram();
        for (int i = 0; i < 900; i++) {
            a.record(100_000);
        }
        for (int i = 0; i < 100; i++) {
            b.record(5_000_000);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(1000);
        assertThat(a.percentile(90)).isBetween(100_000L, 100_800L);
        assertThat(a.percentile(91)).isEqualTo(5_000_000L); // capped at the exact max
        assertThat(a.max()).isEqualTo(5_000_000L);
        a.reset();
        assertThat(a.count()).isZero();
        assertThat(a.percentile(50)).isZero();
    }
}
