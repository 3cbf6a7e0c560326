package io.switchboard.balance;

/**
 * How a {@link Pool} orders its backends for a new connection or request.
 *
 * <ul>
 *   <li>{@link #CONSISTENT_HASH}: by weighted rendezvous hashing of the sticky key, so a key keeps
 *       its backend across connections and proxy replicas; without a key, as round-robin.</li>
 *   <li>{@link #ROUND_ROBIN}: a weighted rotation; the first choice advances on every call.</li>
 *   <li>{@link #LEAST_CONNECTIONS}: fewest open leases per unit of weight first.</li>
 * </ul>
 */
public enum Policy {
    CONSISTENT_HASH,
    ROUND_ROBIN,
    LEAST_CONNECTIONS
}
