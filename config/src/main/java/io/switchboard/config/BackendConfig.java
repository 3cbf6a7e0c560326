package io.switchboard.config;

import java.util.Objects;

/**
 * One backend of a pool: where to connect and its share of the traffic.
 *
 * <p>In YAML a backend is either {@code host:port} or {@code {address: host:port, weight: N}}.
 * The weight is relative to the other backends of the same pool (a backend with weight 2 gets
 * about twice the connections of one with weight 1); default {@value #DEFAULT_WEIGHT}, range
 * 1..{@value #MAX_WEIGHT}.
 *
 * @param address where the backend listens; port 1..65535
 * @param weight  1..{@value #MAX_WEIGHT}
 */
public record BackendConfig(HostPort address, int weight) {
    /** Weight when the YAML gives none. */
    public static final int DEFAULT_WEIGHT = 1;
    /** Largest accepted weight; bounds the size of the consistent-hash ring. */
    public static final int MAX_WEIGHT = 1000;

    /** @throws IllegalArgumentException if the port is 0 or the weight is out of range */
    public BackendConfig {
        Objects.requireNonNull(address, "address");
        if (address.port() == 0) {
            throw new IllegalArgumentException("backend port must be 1..65535: " + address);
        }
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight must be 1.." + MAX_WEIGHT + "; got " + weight);
        }
    }

    /**
     * The backend's identity within its pool, {@code host:port} as {@link HostPort#toString()}
     * writes it; stable across reloads, so it is safe to key hashing and ejection state by it.
     */
    public String id() {
        return address.toString();
    }
}
