package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashKeyTest {
    @Test
    void parsesEverySource() {
        assertThat(HashKey.parse("ip")).isEqualTo(HashKey.IP);
        assertThat(HashKey.parse("header:X-User-Id")).isEqualTo(new HashKey(HashKey.Source.HEADER, "X-User-Id", 0));
        assertThat(HashKey.parse("cookie:session_id")).isEqualTo(new HashKey(HashKey.Source.COOKIE, "session_id", 0));
        assertThat(HashKey.parse("query:room")).isEqualTo(new HashKey(HashKey.Source.QUERY, "room", 0));
        assertThat(HashKey.parse("path:2")).isEqualTo(new HashKey(HashKey.Source.PATH, "", 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ip", "header:X-User-Id", "cookie:sid", "query:room", "path:1", "path:12"})
    void toStringIsTheYamlForm(String text) {
        assertThat(HashKey.parse(text)).hasToString(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "IP", "header", "header:", "header:X User", "cookie:a=b", "query:a&b", "path:0",
            "path:-1", "path:x", "path", "body:x"})
    void rejects(String text) {
        assertThatThrownBy(() -> HashKey.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expected ip, header:NAME, cookie:NAME, query:NAME or path:N; got '"
                        + text + "'");
    }

    @Test
    void suggestsTheSource() {
        assertThatThrownBy(() -> HashKey.parse("haeder:X-User"))
                .hasMessageEndingWith("(did you mean 'header'?)");
        assertThatThrownBy(() -> HashKey.parse("cookies:sid"))
                .hasMessageEndingWith("(did you mean 'cookie'?)");
    }

    @Test
    void constructorKeepsFieldsConsistent() {
        assertThatThrownBy(() -> new HashKey(HashKey.Source.HEADER, "", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HashKey(HashKey.Source.PATH, "", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HashKey(HashKey.Source.IP, "x", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
