package io.switchboard.conformance.autobahn;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Case ids ({@code 1.1.8}, {@code 6.23.7}) and the patterns users select them with.
 *
 * <p>Ids sort as tuples of numbers (1.1.10 after 1.1.9). A pattern is an id where {@code *}
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
            int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
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
