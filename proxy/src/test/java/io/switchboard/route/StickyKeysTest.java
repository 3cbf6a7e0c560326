package io.switchboard.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.switchboard.config.Fallback;
import io.switchboard.config.HashKey;
import org.junit.jupiter.api.Test;

class StickyKeysTest {
    private static RequestInfo request(String path, String query, String... headerPairs) {
        WritableHeaders<?> headers = WritableHeaders.create();
        for (int i = 0; i < headerPairs.length; i += 2) {
            headers.add(HeaderNames.create(headerPairs[i]), headerPairs[i + 1]);
        }
        return new RequestInfo("10.1.2.3", "example.com", path, query, headers);
    }

    private static String key(String spec, Fallback fallback, RequestInfo r) {
        return StickyKeys.extract(List.of(HashKey.parse(spec)), fallback, r);
    }

    @Test
    void readsEachSource() {
        RequestInfo r = request("/rooms/42/chat", "user=al%20ice&x=1", "X-User", "bob", "Cookie", "a=1; sid=s-9");
        assertThat(key("ip", Fallback.ROUND_ROBIN, r)).isEqualTo("10.1.2.3");
        assertThat(key("header:x-user", Fallback.ROUND_ROBIN, r)).isEqualTo("bob");
        assertThat(key("cookie:sid", Fallback.ROUND_ROBIN, r)).isEqualTo("s-9");
        assertThat(key("query:user", Fallback.ROUND_ROBIN, r)).isEqualTo("al ice");
        assertThat(key("path:2", Fallback.ROUND_ROBIN, r)).isEqualTo("42");
    }

    @Test
    void absentKeyFollowsTheFallback() {
        RequestInfo r = request("/a", "");
        assertThat(key("header:X-User", Fallback.ROUND_ROBIN, r)).isNull();
        assertThat(key("header:X-User", Fallback.IP, r)).isEqualTo("10.1.2.3");
        assertThat(key("path:3", Fallback.ROUND_ROBIN, r)).isNull();
        assertThat(key("cookie:sid", Fallback.ROUND_ROBIN, request("/", "", "Cookie", "other=1"))).isNull();
    }

    @Test
    void aListTakesTheFirstPresentSource() {
        List<HashKey> keys = List.of(HashKey.parse("header:X-User"), HashKey.parse("query:user"));
        assertThat(StickyKeys.extract(keys, Fallback.ROUND_ROBIN, request("/", "user=q", "X-User", "h"))).isEqualTo("HEADER:h");
        assertThat(StickyKeys.extract(keys, Fallback.ROUND_ROBIN, request("/", "user=q"))).isEqualTo("QUERY:q");
        assertThat(StickyKeys.extract(keys, Fallback.ROUND_ROBIN, request("/", ""))).isNull();
    }
}
