package io.switchboard.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class PayloadsTest {
    @Test
    void jsonMessagesHaveTheExactSizeAndDiffer() {
        for (int size : new int[] {2, 13, 40, 63, 64, 200, 16384}) {
            byte[][] m = Payloads.json(size, 8);
            for (byte[] b : m) {
                assertThat(b).hasSize(size);
                String s = new String(b, StandardCharsets.US_ASCII);
                assertThat(s).startsWith("{").endsWith("}");
                assertThat(s.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).isTrue();
            }
            if (size >= 40) {
                assertThat(Arrays.equals(m[0], m[1])).as("size %d", size).isFalse();
            }
        }
    }

    @Test
    void sameArgumentsSameBytes() {
        assertThat(Payloads.json(16384, 4)).isDeepEqualTo(Payloads.json(16384, 4));
        assertThat(Payloads.random(64, 4)).isDeepEqualTo(Payloads.random(64, 4));
    }
}
