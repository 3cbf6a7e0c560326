package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.balance.StickyHashBench;
import org.junit.jupiter.api.Test;

/**
 * The JMH benchmarks measure what they say: each invocation of the frame benchmark scans every
 * frame to its end (whatever the read size) and hands every byte on, and the hashing benchmark ranks every backend. Run once
 * each here, without JMH, so a benchmark that silently measures nothing fails the build.
 */
class MicrobenchmarksTest {
    @Test
    void eachScanSeesEveryFrameInBothReadPatterns() {
        for (String reads : new String[] {"whole", "mtu"}) {
            for (int size : new int[] {64, 16384}) {
                FrameScanBench bench = new FrameScanBench();
                bench.reads = reads;
                bench.size = size;
                bench.setUp();
                bench.freshScanner();
                assertThat(bench.scan()).as(reads + " " + size).isEqualTo(FrameScanBench.FRAMES);
                assertThat(bench.scan()).as(reads + " " + size + ", second pass").isEqualTo(2L * FrameScanBench.FRAMES);
                assertThat(bench.passedBytes()).as("every byte handed on").isEqualTo(2L * bench.wireLength());
            }
        }
    }

    @Test
    void everyLookupRanksEveryBackend() {
        StickyHashBench bench = new StickyHashBench();
        bench.backends = 16;
        bench.setUp();
        assertThat(bench.candidates()).hasSize(16).doesNotHaveDuplicates();
        assertThat(bench.owner()).isNotNull();
    }
}
