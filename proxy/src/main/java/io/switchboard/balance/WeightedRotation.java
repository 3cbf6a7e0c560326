package io.switchboard.balance;

import java.util.List;

/**
 * A fixed round-robin schedule in which each backend appears in proportion to its weight, spread
 * out rather than bunched (the "smooth weighted round-robin" interleaving: weights 3,1,1 give
 * {@code a b a c a}, not {@code a a a b c}). With equal weights it is the plain rotation
 * {@code 0, 1, ..., n-1}.
 *
 * <p>Immutable; the caller supplies the turn number, so it is thread-safe.
 */
final class WeightedRotation {
    private final int[] schedule;

    WeightedRotation(List<Backend> backends) {
        this.schedule = build(backends);
    }

    /** The index (into the backend list) of the backend whose turn {@code turn} is. */
    int at(long turn) {
        return schedule.length == 0 ? 0 : schedule[(int) Math.floorMod(turn, (long) schedule.length)];
    }

    private static int[] build(List<Backend> backends) {
        int n = backends.size();
        int divisor = 0;
        for (Backend b : backends) {
            divisor = gcd(divisor, b.weight());
        }
        int[] weight = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            weight[i] = backends.get(i).weight() / divisor; // 2,2,2 schedules like 1,1,1
            total += weight[i];
        }
        int[] schedule = new int[total];
        long[] current = new long[n];
        for (int slot = 0; slot < total; slot++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weight[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            schedule[slot] = best;
        }
        return schedule;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
