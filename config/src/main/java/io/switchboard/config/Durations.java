package io.switchboard.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration form used throughout the config: a whole number followed by a unit,
 * {@code ms}, {@code s}, {@code m} or {@code h} (for example {@code 500ms}, {@code 20s},
 * {@code 5m}, {@code 24h}), or a plain {@code 0}.
 *
 * <p>Durations are never negative. A bare number other than 0 is rejected rather than guessed at,
 * because "30" could as easily mean milliseconds as seconds.
 */
public final class Durations {
    /** The start of every error message, so users see an accepted form next to the mistake. */
    public static final String EXPECTED = "expected a duration like 500ms, 20s, 5m, 24h";

    /** The longest duration accepted anywhere: a year, far beyond any timeout, and safe for nanosecond arithmetic. */
    public static final Duration MAX = Duration.ofDays(365);

    private static final Pattern FORM = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Pattern SIGNED = Pattern.compile("-\\d+(ms|s|m|h)?");
    private static final Pattern PLAIN = Pattern.compile("\\d+");
    private static final Pattern FRACTION = Pattern.compile("\\d*\\.\\d+(ms|s|m|h)");

    private Durations() {
    }

    /**
     * Parses {@code text} (surrounding whitespace ignored).
     *
     * @param text the duration, e.g. {@code "20s"}
     * @return the duration, never negative
     * @throws IllegalArgumentException if {@code text} is null or not in the accepted form; the
     *                                  message starts with {@link #EXPECTED} and quotes the input
     */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException(EXPECTED + "; got nothing");
        }
        String s = text.strip();
        Matcher m = FORM.matcher(s);
        if (m.matches()) {
            Duration d;
            try {
                long n = Long.parseLong(m.group(1));
                d = switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofSeconds(Math.multiplyExact(n, 60L));
                    default -> Duration.ofSeconds(Math.multiplyExact(n, 3600L));
                };
            } catch (ArithmeticException | NumberFormatException e) {
                throw fail(text, " (too large: at most 8760h, a year)");
            }
            if (d.compareTo(MAX) > 0) {
                throw fail(text, " (too large: at most 8760h, a year)");
            }
            return d;
        }
        if (PLAIN.matcher(s).matches()) {
            if (s.chars().allMatch(c -> c == '0')) {
                return Duration.ZERO;
            }
            throw fail(text, " (add a unit, e.g. '" + s + "s')");
        }
        if (SIGNED.matcher(s).matches()) {
            throw fail(text, " (must be >= 0)");
        }
        if (FRACTION.matcher(s).matches()) {
            throw fail(text, " (use a whole number with a smaller unit, e.g. 1500ms)");
        }
        throw fail(text, "");
    }

    private static IllegalArgumentException fail(String text, String hint) {
        return new IllegalArgumentException(EXPECTED + "; got '" + text + "'" + hint);
    }
}
