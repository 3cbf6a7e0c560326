package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations, Sizes and HostPort: the scalar forms other keys build on. */
class ValueParsersTest {
    @Test
    void durations() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("20s")).isEqualTo(Duration.ofSeconds(20));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(Durations.parse("0")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse("0s")).isEqualTo(Duration.ZERO);
        assertThat(Durations.parse(" 3s ")).isEqualTo(Duration.ofSeconds(3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fast", "", "5", "-5s", "1.5s", "5 s", "5S", "1d", "s", "99999999999999999999h"})
    void badDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expected a duration like 500ms, 20s, 5m, 24h; got '" + text + "'");
    }

    @Test
    void durationHints() {
        assertThatThrownBy(() -> Durations.parse("30")).hasMessageEndingWith("(add a unit, e.g. '30s')");
        assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageEndingWith("(must be >= 0)");
        assertThatThrownBy(() -> Durations.parse(null)).hasMessageEndingWith("got nothing");
    }

    @Test
    void sizes() {
        assertThat(Sizes.parse("512B")).isEqualTo(512);
        assertThat(Sizes.parse("64KiB")).isEqualTo(65536);
        assertThat(Sizes.parse("1MiB")).isEqualTo(1 << 20);
        assertThat(Sizes.parse("1GiB")).isEqualTo(1L << 30);
        assertThat(Sizes.parse("4096")).isEqualTo(4096);
        assertThat(Sizes.parse("0")).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"big", "", "64KB", "1mb", "-1", "1.5MiB", "64 KiB", "99999999999GiB"})
    void badSizes(String text) {
        assertThatThrownBy(() -> Sizes.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expected a size like 64KiB, 1MiB, 1GiB, 512B or a byte count; got '"
                        + text + "'");
    }

    @Test
    void sizeHints() {
        assertThatThrownBy(() -> Sizes.parse("64KB")).hasMessageEndingWith("(units are binary: write KiB, MiB or GiB)");
        assertThatThrownBy(() -> Sizes.parse("99999999999GiB")).hasMessageEndingWith("(too large)");
    }

    @Test
    void hostPorts() {
        assertThat(HostPort.parse("127.0.0.1:9001")).isEqualTo(new HostPort("127.0.0.1", 9001));
        assertThat(HostPort.parse("backend-1.local:80")).isEqualTo(new HostPort("backend-1.local", 80));
        assertThat(HostPort.parse("0.0.0.0:0").port()).isZero();
        HostPort v6 = HostPort.parse("[::1]:8080");
        assertThat(v6.host()).isEqualTo("::1");
        assertThat(v6).hasToString("[::1]:8080");
        assertThat(HostPort.parse(v6.toString())).isEqualTo(v6);
        assertThat(new HostPort("example.com", 443)).hasToString("example.com:443");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", ":80", "host:", "host:http", "host:65536", "::1:80", "[::1]",
            "http://host:80", "ho st:80", "[nope]:80"})
    void badHostPorts(String text) {
        assertThatThrownBy(() -> HostPort.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expected host:port like 127.0.0.1:9001; got '" + text + "'");
    }
}
