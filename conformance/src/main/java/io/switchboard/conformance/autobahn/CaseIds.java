package io.switchboard.conformance.autobahn;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Case ids ({@code 1.1.8}, {@code 6.23.7}) and the patterns users select them with.
 *
 * <p>Ids sort as tuples of numbers (1.1.10 after 1.1.9); a non-numeric part (the proxy
 * catalogue's {@code p} prefix) sorts after numbers, alphabetically. A pattern is an id where {@code *}
 * stands for any characters, anchored at both ends: {@code 6.*} is all of section 6,
 * {@code 6.4.*} is 6.4.1-6.4.4, {@code 7.1.6} is that case alone.
 */
public final class CaseIds {
    /** Numeric tuple order. */
    public static final Comparator<String> ORDER = CaseIds::compare;

    private CaseIds() {
    }

    private static int compare(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            boolean nx = isNumber(x[i]);
            boolean ny = isNumber(y[i]);
            // other catalogues use a letter prefix (the proxy cases: p.1.1); numbers sort first
            int c = nx && ny ? Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]))
                    : nx != ny ? (nx ? -1 : 1) : x[i].compareTo(y[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.length() < 10 && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    /**
     * The section an id belongs to in reports: its first part ({@code 6} for {@code 6.4.1}), or,
     * when that is a letter prefix, its first two parts ({@code p.1} for {@code p.1.3}).
     */
    public static String section(String id) {
        String[] parts = id.split("\\.");
        return parts.length > 1 && !isNumber(parts[0]) ? parts[0] + "." + parts[1] : parts[0];
    }

    /** A compiled pattern: {@code *} matches anything, everything else is literal. */
    public static Pattern pattern(String glob) {
        StringBuilder re = new StringBuilder();
        for (String part : glob.trim().split("\\*", -1)) {
            if (!re.isEmpty()) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(re.toString());
    }

    /**
     * True when {@code id} is matched by one of {@code include} (an empty list includes all) and
     * by none of {@code exclude}.
     */
    public static boolean selected(String id, List<String> include, List<String> exclude) {
        boolean in = include.isEmpty() || include.stream().anyMatch(g -> pattern(g).matcher(id).matches());
        return in && exclude.stream().noneMatch(g -> pattern(g).matcher(id).matches());
    }
}
