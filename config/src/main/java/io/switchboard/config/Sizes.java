package io.switchboard.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the byte-size form used by the config: a whole number with an optional binary unit,
 * {@code B}, {@code KiB}, {@code MiB} or {@code GiB} (for example {@code 512B}, {@code 64KiB},
 * {@code 1MiB}), or a plain byte count such as {@code 65536}.
 *
 * <p>Only binary (1024-based) units are accepted. Decimal spellings such as {@code 64KB} are
 * rejected with a hint instead of being silently read as either 64000 or 65536 bytes.
 */
public final class Sizes {
    /** The start of every error message, so users see an accepted form next to the mistake. */
    public static final String EXPECTED = "expected a size like 64KiB, 1MiB, 1GiB, 512B or a byte count";

    private static final Pattern FORM = Pattern.compile("(\\d+)(B|KiB|MiB|GiB)?");
    private static final Pattern DECIMAL_UNIT = Pattern.compile("\\d+\\s*[kmg]i?b?");
    private static final Pattern NEGATIVE = Pattern.compile("-\\d+(B|KiB|MiB|GiB)?");

    private Sizes() {
    }

    /**
     * Parses {@code text} (surrounding whitespace ignored) into a number of bytes.
     *
     * @param text the size, e.g. {@code "64KiB"}
     * @return the size in bytes, never negative
     * @throws IllegalArgumentException if {@code text} is null, not in the accepted form, or does
     *                                  not fit a {@code long}; the message starts with {@link #EXPECTED}
     */
    public static long parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException(EXPECTED + "; got nothing");
        }
        String s = text.strip();
        Matcher m = FORM.matcher(s);
        if (m.matches()) {
            long unit = switch (m.group(2) == null ? "B" : m.group(2)) {
                case "KiB" -> 1L << 10;
                case "MiB" -> 1L << 20;
                case "GiB" -> 1L << 30;
                default -> 1L;
            };
            try {
                return Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            } catch (ArithmeticException | NumberFormatException e) {
                throw fail(text, " (too large)");
            }
        }
        if (NEGATIVE.matcher(s).matches()) {
            throw fail(text, " (must be >= 0)");
        }
        if (DECIMAL_UNIT.matcher(s.toLowerCase(Locale.ROOT)).matches()) {
            throw fail(text, " (units are binary: write KiB, MiB or GiB)");
        }
        throw fail(text, "");
    }

    private static IllegalArgumentException fail(String text, String hint) {
        return new IllegalArgumentException(EXPECTED + "; got '" + text + "'" + hint);
    }
}
