package io.switchboard.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MaskingTest {
    private static final int KEY = 0x37FA213D;

    /** §5.3 verbatim: j = i MOD 4; transformed-octet-i = original-octet-i XOR masking-key-octet-j. */
    private static byte[] naive(byte[] payload, int key) {
        byte[] out = payload.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] ^= (byte) (key >>> (24 - 8 * (i % 4)));
        }
        return out;
    }

    @Test
    void matchesTheNaiveFormulaForEverySplit() {
        Random random = new Random(7);
        for (int length = 0; length <= 40; length++) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            byte[] expected = naive(payload, KEY);
            for (int split = 0; split <= Math.min(17, length); split++) {
                byte[] data = payload.clone();
                Masking.unmask(data, 0, split, KEY, 0);
                Masking.unmask(data, split, length - split, KEY, split);
                assertThat(data).as("length %d split %d", length, split).isEqualTo(expected);
            }
        }
    }

    @Test
    void handlesAnOffsetIntoTheBufferAndAPayloadOffsetAtEveryPhase() {
        Random random = new Random(11);
        byte[] payload = new byte[100];
        random.nextBytes(payload);
        byte[] expected = naive(payload, KEY);
        for (int start = 0; start <= 17; start++) {
            byte[] buf = new byte[7 + payload.length - start + 5];
            System.arraycopy(payload, start, buf, 7, payload.length - start);
            Masking.unmask(buf, 7, payload.length - start, KEY, start + (1L << 40)); // a huge offset: only mod 4 counts
            for (int i = start; i < payload.length; i++) {
                assertThat(buf[7 + i - start]).as("start %d byte %d", start, i).isEqualTo(expected[i]);
            }
            assertThat(buf).startsWith(new byte[7]).endsWith(new byte[5]);
        }
    }

    @Test
    void maskingTwiceRestores() {
        byte[] data = "a longer payload that spans several words".getBytes();
        byte[] original = data.clone();
        Masking.mask(data, 0, data.length, KEY, 0);
        assertThat(data).isNotEqualTo(original);
        Masking.unmask(data, 0, data.length, KEY, 0);
        assertThat(data).isEqualTo(original);
    }

    @Test
    void newMaskKeysDiffer() {
        Set<Integer> keys = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            keys.add(Masking.newMaskKey());
        }
        assertThat(keys).hasSizeGreaterThan(9_990);
    }
}
