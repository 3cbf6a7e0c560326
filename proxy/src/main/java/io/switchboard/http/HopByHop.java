package io.switchboard.http;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;

/**
 * The hop-by-hop header rule of RFC 9110 §7.6.1, shared by the plain HTTP path and the WebSocket
 * handshake: these headers describe one connection, so a proxy must not forward them. Headers
 * named in a {@code Connection} header are hop-by-hop too.
 */
public final class HopByHop {
    private static final Set<String> ALWAYS = Set.of(
            "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
            "upgrade", "proxy-authenticate", "proxy-authorization");

    private HopByHop() {
    }

    /**
     * Lower-case names of every header of {@code headers} that must not be forwarded.
     *
     * @param headers a request or response's headers
     * @return the fixed list plus every token of the {@code Connection} header (unmodifiable
     *         when it is the fixed list alone, as for a WebSocket upgrade's {@code Connection: Upgrade})
     */
    public static Set<String> names(Headers headers) {
        return names(headers.values(HeaderNames.CONNECTION));
    }

    /**
     * As {@link #names(Headers)}, from the values of the {@code Connection} header alone.
     *
     * @param connectionValues every {@code Connection} header value (may be empty)
     */
    public static Set<String> names(Iterable<String> connectionValues) {
        Set<String> names = ALWAYS; // copied only when the Connection header names another header
        for (String value : connectionValues) {
            int from = 0;
            while (from <= value.length()) {
                int comma = value.indexOf(',', from);
                int to = comma < 0 ? value.length() : comma;
                String t = value.substring(from, to).trim().toLowerCase(Locale.ROOT);
                // Host is end-to-end whatever Connection says: a request must reach the backend with one
                if (!t.isEmpty() && !t.equals("host") && !names.contains(t)) {
                    if (names == ALWAYS) {
                        names = new HashSet<>(ALWAYS);
                    }
                    names.add(t);
                }
                from = to + 1;
            }
        }
        return names;
    }
}
