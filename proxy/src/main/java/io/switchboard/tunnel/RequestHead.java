package io.switchboard.tunnel;

import java.nio.charset.StandardCharsets;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.WritableHeaders;

/**
 * A client's request head as the {@link Acceptor} reads it, parsed only far enough to tell a plain
 * WebSocket upgrade (RFC 6455 §4.1: {@code GET}, origin-form target, {@code HTTP/1.1}, one
 * {@code Host}, an {@code Upgrade} header naming websocket, no body) from everything else.
 * Anything unusual is not an error here: {@link #parse} gives null and the connection goes to
 * Helidon unchanged, which answers it exactly as it answers a connection it accepted itself.
 *
 * @param method  the request method ({@code GET})
 * @param path    the raw path, without query
 * @param query   the raw query without {@code ?}, or empty
 * @param headers the header fields, in order, as Helidon's type (routing and the dial read them)
 * @param host    the {@code Host} value
 */
record RequestHead(String method, String path, String query, WritableHeaders<?> headers, String host) {
    /** The request line's version: the only one the fast path takes (§4.1 asks for 1.1 or later). */
    static final String VERSION = "1.1";
    private static final byte[] GET = "GET /".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP11 = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * Whether {@code b} can still be the start of a request the fast path takes: a {@code GET}
     * with an origin-form target. Lets a POST or a TLS hello go to Helidon at its first read,
     * without waiting for a whole head.
     */
    static boolean mayBeUpgrade(byte[] b, int n) {
        for (int i = 0; i < Math.min(n, GET.length); i++) {
            if (b[i] != GET[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Parses {@code b[0, end)}, the head up to and including its blank line.
     *
     * @param maxLine the longest request line taken here (a longer one is Helidon's to refuse)
     * @return the head of a plain WebSocket upgrade, or null for anything else
     */
    static RequestHead parse(byte[] b, int end, int maxLine) {
        int lineEnd = indexOf(b, (byte) '\n', 0, end);
        if (lineEnd < GET.length + HTTP11.length - 1 || lineEnd + 1 > maxLine || !mayBeUpgrade(b, end)) {
            return null;
        }
        int targetEnd = lineEnd + 1 - HTTP11.length;
        for (int i = 0; i < HTTP11.length; i++) {
            if (b[targetEnd + i] != HTTP11[i]) {
                return null;
            }
        }
        int targetStart = GET.length - 1;
        if (!validTarget(b, targetStart, targetEnd)) {
            return null;
        }
        int question = indexOf(b, (byte) '?', targetStart, targetEnd);
        String path = ascii(b, targetStart, question < 0 ? targetEnd : question);
        String query = question < 0 ? "" : ascii(b, question + 1, targetEnd);
        WritableHeaders<?> headers = WritableHeaders.create();
        String host = null;
        boolean upgrade = false;
        boolean sawUpgrade = false;
        int at = lineEnd + 1;
        while (at < end - 2) { // the last two bytes are the blank line's CRLF
            int eol = indexOf(b, (byte) '\n', at, end);
            int colon = indexOf(b, (byte) ':', at, eol);
            if (eol < 0 || b[eol - 1] != '\r' || colon <= at || !token(b, at, colon)) {
                return null; // a bare LF, a folded line (RFC 9112 §5.2), no name or a bad one
            }
            String value = value(b, colon + 1, eol - 1);
            if (value == null) {
                return null;
            }
            HeaderName name = HeaderNames.create(ascii(b, at, colon));
            if (name.equals(HeaderNames.HOST)) {
                if (host != null || !plainHost(value)) {
                    return null; // two Hosts (RFC 9112 §3.2), or one Helidon has to judge: its 400 either way
                }
                host = value;
            } else if (name.equals(HeaderNames.CONTENT_LENGTH) || name.equals(HeaderNames.TRANSFER_ENCODING)) {
                return null; // a body on an upgrade: left to Helidon rather than risk reading it twice
            } else if (name.equals(HeaderNames.UPGRADE)) {
                if (sawUpgrade) {
                    return null; // Helidon goes by the first Upgrade header: it decides which one counts
                }
                sawUpgrade = true;
                upgrade = TunnelUpgrader.SPELLINGS.contains(value); // as Helidon's upgrader lookup
            } else if (name.equals(HeaderNames.X_HELIDON_CN)) {
                at = eol + 1;
                continue; // Helidon's own name for a TLS client certificate: a client may not send it
            }
            headers.add(HeaderValues.create(name, value));
            at = eol + 1;
        }
        return host == null || !upgrade ? null : new RequestHead("GET", path, query, headers, host);
    }

    /**
     * Origin-form (RFC 9112 §3.2.1) made only of the characters RFC 3986 allows raw in a path and
     * a query: unreserved, sub-delims, {@code : @ / ?} and valid percent-escapes. Helidon refuses
     * anything else (its path check is {@code java.net.URI}'s, its query check RFC 3986's), so
     * such a target goes to it, for the same 400 in both accept modes; {@code [ ]} are the ones
     * browsers send raw.
     */
    private static boolean validTarget(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (!unreserved(c) && "!$&'()*+,;=:@/?%".indexOf(c) < 0) {
                return false;
            }
            if (c == '%' && (i + 2 >= to || !hex(b[i + 1]) || !hex(b[i + 2]))) {
                return false;
            }
        }
        return to > from;
    }

    /**
     * A Host the loop takes itself: a name or IPv4 address of letters, digits and {@code - . _ ~},
     * with an optional numeric port. Anything else (an IP literal in brackets, sub-delims,
     * escapes, {@code @}, an empty value) is Helidon's to check, which refuses what RFC 3986 does
     * not allow; the loop must never route on a Host Helidon would refuse.
     */
    static boolean plainHost(String value) {
        int colon = value.indexOf(':');
        int nameEnd = colon < 0 ? value.length() : colon;
        if (nameEnd == 0) {
            return false;
        }
        for (int i = 0; i < nameEnd; i++) {
            char c = value.charAt(i);
            if (c > 0x7e || !unreserved((byte) c)) {
                return false;
            }
        }
        if (colon < 0) {
            return true;
        }
        int digits = value.length() - colon - 1;
        if (digits < 1 || digits > 5) {
            return false;
        }
        for (int i = colon + 1; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** RFC 3986 §2.3: letters, digits and {@code - . _ ~}. */
    private static boolean unreserved(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '.' || c == '_'
                || c == '~';
    }

    /** A field name is a token (RFC 9110 §5.1). */
    private static boolean token(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            boolean ok = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * A field value without its surrounding blanks, or null when it holds a control character (RFC
     * 9110 §5.5) or a byte outside ASCII. Helidon reads values as US-ASCII and turns such bytes
     * into {@code ?}, so a head with one is left to it: both accept modes then forward, and hash
     * sticky keys from, the same value.
     */
    private static String value(byte[] b, int from, int to) {
        while (from < to && (b[from] == ' ' || b[from] == '\t')) {
            from++;
        }
        while (to > from && (b[to - 1] == ' ' || b[to - 1] == '\t')) {
            to--;
        }
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c < 0x20 && c != '\t' || c >= 0x7f) {
                return null;
            }
        }
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    private static boolean hex(byte c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static int indexOf(byte[] b, byte c, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static String ascii(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
