package io.switchboard.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Which part of a request a consistent-hash pool hashes to pick a backend; YAML key
 * {@code hash-key}, default {@code ip}.
 *
 * <p>YAML forms: {@code ip}, {@code header:NAME}, {@code cookie:NAME}, {@code query:NAME},
 * {@code path:N} (the Nth non-empty path segment, 1-based: for {@code /room/42} {@code path:2}
 * is {@code 42}). {@link #toString()} gives the YAML form back.
 *
 * @param source  where the key comes from
 * @param name    header, cookie or query parameter name; {@code ""} for {@code IP} and {@code PATH}
 * @param segment 1-based path segment for {@code PATH}; 0 otherwise
 */
public record HashKey(Source source, String name, int segment) {
    /** The part of the request a key is read from. */
    public enum Source {
        /** The client's IP address. */
        IP,
        /** A request header, matched case-insensitively. */
        HEADER,
        /** A cookie, matched case-sensitively. */
        COOKIE,
        /** A query parameter, matched case-sensitively after URL-decoding. */
        QUERY,
        /** A path segment. */
        PATH;

        String yamlName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The default key: the client IP. */
    public static final HashKey IP = new HashKey(Source.IP, "", 0);

    private static final String EXPECTED =
            "expected ip, header:NAME, cookie:NAME, query:NAME or path:N";
    private static final List<String> SOURCES = List.of("ip", "header", "cookie", "query", "path");
    // RFC 9110 token characters besides letters and digits: valid in header and cookie names.
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    /** @throws IllegalArgumentException if name/segment do not fit the source (see the parameters) */
    public HashKey {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(name, "name");
        boolean named = source == Source.HEADER || source == Source.COOKIE || source == Source.QUERY;
        if (named == name.isEmpty()) {
            throw new IllegalArgumentException(source + " key " + (named ? "needs" : "takes no") + " name");
        }
        if ((source == Source.PATH) != (segment > 0) || segment < 0) {
            throw new IllegalArgumentException("segment must be >= 1 for PATH and 0 otherwise; got " + segment);
        }
    }

    /**
     * Parses the YAML form.
     *
     * @param text e.g. {@code "header:X-User-Id"}
     * @return the key
     * @throws IllegalArgumentException naming the accepted forms, the input and, when it looks
     *                                  like a typo, the intended source
     */
    public static HashKey parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException(EXPECTED + "; got nothing");
        }
        String s = text.strip();
        if (s.equals("ip")) {
            return IP;
        }
        int colon = s.indexOf(':');
        String prefix = colon < 0 ? s : s.substring(0, colon);
        String arg = colon < 0 ? "" : s.substring(colon + 1);
        return switch (prefix) {
            case "header" -> new HashKey(Source.HEADER, name(text, arg, true), 0);
            case "cookie" -> new HashKey(Source.COOKIE, name(text, arg, true), 0);
            case "query" -> new HashKey(Source.QUERY, name(text, arg, false), 0);
            case "path" -> new HashKey(Source.PATH, "", segment(text, arg));
            default -> throw fail(text, Suggest.didYouMean(prefix, SOURCES));
        };
    }

    private static String name(String text, String arg, boolean token) {
        if (arg.isEmpty()) {
            throw fail(text, " (missing the name after ':')");
        }
        // Header and cookie names are HTTP tokens; a query name only has to survive a query string.
        boolean ok = token
                ? arg.chars().allMatch(c -> Character.isLetterOrDigit(c) && c < 128 || TOKEN_SYMBOLS.indexOf(c) >= 0)
                : arg.chars().noneMatch(c -> c <= ' ' || c == '&' || c == '=' || c == '#');
        if (!ok) {
            throw fail(text, " (invalid character in the name)");
        }
        return arg;
    }

    private static int segment(String text, String arg) {
        if (arg.isEmpty() || arg.length() > 4 || !arg.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(arg) < 1) {
            throw fail(text, " (N is a path segment number, 1 or more)");
        }
        return Integer.parseInt(arg);
    }

    private static IllegalArgumentException fail(String text, String hint) {
        return new IllegalArgumentException(EXPECTED + "; got '" + text + "'" + hint);
    }

    /** The YAML form, e.g. {@code header:X-User-Id} or {@code path:2}; {@link #parse} reads it back. */
    @Override
    public String toString() {
        return switch (source) {
            case IP -> "ip";
            case PATH -> "path:" + segment;
            default -> source.yamlName() + ":" + name;
        };
    }
}
