package io.switchboard.config;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean" hints: the closest candidate by edit distance, if it is close enough to be a
 * plausible typo. Kept deliberately strict so a hint is never more confusing than no hint.
 */
final class Suggest {
    private Suggest() {
    }

    /**
     * A hint such as {@code " (did you mean 'balance'?)"}, or {@code ""} when nothing is close.
     * Ties go to the candidate listed first, so hints are stable.
     */
    static String didYouMean(String input, Collection<String> candidates) {
        String best = closest(input, candidates);
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /** The closest candidate within distance 2 (and under half the input's length), or null. */
    static String closest(String input, Collection<String> candidates) {
        String in = input.toLowerCase(Locale.ROOT);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : candidates) {
            int d = distance(in, candidate.toLowerCase(Locale.ROOT));
            // The length guard stops two-letter inputs from "matching" unrelated two-letter words.
            if (d < bestDistance && d <= 2 && d * 2 < Math.max(in.length(), 2) + 1) {
                best = candidate;
                bestDistance = d;
            }
        }
        return best != null && best.equals(input) ? null : best;
    }

    /** Levenshtein distance, two rows at a time. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
