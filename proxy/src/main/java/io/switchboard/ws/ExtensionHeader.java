package io.switchboard.ws;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses {@code Sec-WebSocket-Extensions} values (RFC 6455 §9.1): a comma-separated list of
 * extensions, each a token followed by {@code ;}-separated parameters, each a token with an
 * optional {@code =} value that is a token or a quoted string. Several header lines form one list.
 * Names are compared case-insensitively, so they are lower-cased here; values keep their case.
 */
public final class ExtensionHeader {
    /**
     * One offered or accepted extension.
     *
     * @param name   the extension token, lower case
     * @param params parameters in order; a parameter without a value maps to null
     * @param duplicateParam the first parameter name that appeared twice, or null
     */
    public record Extension(String name, Map<String, String> params, String duplicateParam) {
    }

    private ExtensionHeader() {
    }

    /**
     * @return the extensions in order
     * @throws IllegalArgumentException naming the first syntax error
     */
    public static List<Extension> parse(List<String> values) {
        List<Extension> out = new ArrayList<>();
        for (String value : values) {
            for (String item : split(value, ',')) {
                if (!item.isBlank()) {
                    out.add(extension(item));
                }
            }
        }
        return out;
    }

    private static Extension extension(String item) {
        List<String> parts = split(item, ';');
        String name = token(parts.get(0), "extension name").toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        String duplicate = null;
        for (String part : parts.subList(1, parts.size())) {
            int eq = part.indexOf('=');
            String key = token(eq < 0 ? part : part.substring(0, eq), "parameter name").toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : value(ows(part.substring(eq + 1)));
            if (params.containsKey(key) && duplicate == null) {
                duplicate = key;
            }
            params.put(key, value);
        }
        return new Extension(name, params, duplicate);
    }

    private static String value(String raw) {
        if (raw.length() >= 2 && raw.charAt(0) == '"' && raw.charAt(raw.length() - 1) == '"') {
            StringBuilder unquoted = new StringBuilder(raw.length());
            for (int i = 1; i < raw.length() - 1; i++) {
                char c = raw.charAt(i);
                unquoted.append(c == '\\' && i + 1 < raw.length() - 1 ? raw.charAt(++i) : c); // quoted-pair
            }
            return unquoted.toString();
        }
        return token(raw, "parameter value"); // values keep their case; only names are case-insensitive
    }

    /** Strips optional whitespace (space and tab, RFC 9110 §5.6.3), never other control characters. */
    private static String ows(String raw) {
        int from = 0;
        int to = raw.length();
        while (from < to && (raw.charAt(from) == ' ' || raw.charAt(from) == '\t')) {
            from++;
        }
        while (to > from && (raw.charAt(to - 1) == ' ' || raw.charAt(to - 1) == '\t')) {
            to--;
        }
        return raw.substring(from, to);
    }

    private static String token(String raw, String what) {
        String t = ows(raw);
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty " + what);
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                throw new IllegalArgumentException("invalid character '" + c + "' in " + what + " '" + t + "'");
            }
        }
        return t;
    }

    /** Splits on {@code sep} outside quoted strings. */
    private static List<String> split(String s, char sep) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted && c == '\\') {
                i++; // a quoted-pair: the next character is taken as is
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == sep && !quoted) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quoted string in '" + s.trim() + "'");
        }
        parts.add(s.substring(start));
        return parts;
    }
}
