package io.switchboard.balance;

import java.util.Objects;

/**
 * One backend of a {@link Pool}: its identity and its relative share of the traffic.
 *
 * <p>The {@code id} ({@code host:port}) is what consistent hashing scores, so two replicas of
 * the proxy given the same backends (in any order) place every key on the same backend. The
 * {@code weight} is relative to the other backends of the pool: weight 2 gets about twice the
 * keys (or connections) of weight 1.
 *
 * @param id     {@code host:port}; non-blank
 * @param weight 1 or more
 */
public record Backend(String id, int weight) {
    /** @throws IllegalArgumentException if the id is blank or the weight is below 1 */
    public Backend {
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("backend id must not be blank");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1; got " + weight + " for " + id);
        }
    }

    /** A backend of weight 1. */
    public Backend(String id) {
        this(id, 1);
    }
}
