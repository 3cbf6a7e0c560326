package io.switchboard.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeflateParamsTest {
    @ParameterizedTest
    @ValueSource(ints = {Integer.MIN_VALUE, -1, 0, 7, 16, 100})
    void windowBitsOutsideEightToFifteenAreRejected(int bits) {
        assertThatThrownBy(() -> new DeflateParams(false, false, bits))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8..15")
                .hasMessageContaining(String.valueOf(bits));
    }

    @Test
    void compressorResetsWithNoContextTakeoverOrASmallWindow() {
        assertThat(new DeflateParams(false, false, 15).resetsCompressor()).isFalse();
        assertThat(new DeflateParams(false, true, 15).resetsCompressor()).as("the peer's reset is not ours").isFalse();
        assertThat(new DeflateParams(true, false, 15).resetsCompressor()).isTrue();
        for (int bits = 8; bits < 15; bits++) {
            assertThat(new DeflateParams(false, false, bits).resetsCompressor()).as("bits %d", bits).isTrue();
        }
    }
}
