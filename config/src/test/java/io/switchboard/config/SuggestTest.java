package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SuggestTest {
    @Test
    void suggestsCloseNames() {
        assertThat(Suggest.didYouMean("balanse", PoolsParser.POOL_KEYS)).isEqualTo(" (did you mean 'balance'?)");
        assertThat(Suggest.didYouMean("hash_key", PoolsParser.POOL_KEYS)).isEqualTo(" (did you mean 'hash-key'?)");
        assertThat(Suggest.didYouMean("webb", List.of("chat", "web"))).isEqualTo(" (did you mean 'web'?)");
        assertThat(Suggest.didYouMean("consistant-hash", List.of("consistent-hash", "round-robin")))
                .isEqualTo(" (did you mean 'consistent-hash'?)");
        assertThat(Suggest.didYouMean("Pools", ConfigLoader.TOP_KEYS)).isEqualTo(" (did you mean 'pools'?)");
    }

    @Test
    void staysQuietWhenNothingIsClose() {
        assertThat(Suggest.didYouMean("colour", PoolsParser.POOL_KEYS)).isEmpty();
        assertThat(Suggest.didYouMean("rr", List.of("ip"))).isEmpty();
        assertThat(Suggest.didYouMean("x", List.of("ip"))).isEmpty();
        assertThat(Suggest.didYouMean("anything", List.of())).isEmpty();
    }

    @Test
    void distance() {
        assertThat(Suggest.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(Suggest.distance("", "abc")).isEqualTo(3);
        assertThat(Suggest.distance("same", "same")).isZero();
    }
}
