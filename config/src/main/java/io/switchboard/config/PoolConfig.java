package io.switchboard.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A named group of interchangeable backends and how to choose among them.
 *
 * <p>YAML defaults: {@code balance} {@link Balance#CONSISTENT_HASH}, {@code hash-key}
 * {@code ip} (one key, or a list tried in order: the first present in a request wins), {@code fallback} {@link Fallback#ROUND_ROBIN}, {@code bounded-load} off (0),
 * {@code attempts} {@value #DEFAULT_ATTEMPTS}, {@code eject-for} 10s.
 *
 * @param name        the pool's key under {@code pools}; not blank
 * @param backends    at least one, in file order, no two with the same address (immutable copy)
 * @param balance     the balancing policy
 * @param hashKeys    what consistent hashing hashes, in order of preference; at least one
 *                    (ignored by other policies)
 * @param fallback    what consistent hashing does when the key is absent
 * @param boundedLoad 0 for off, else a factor &gt; 1.0: no backend takes more than this times
 *                    the average load, the ring moves on to the next backend instead
 * @param attempts    1..{@value #MAX_ATTEMPTS}: how many backends one connection may try
 * @param ejectFor    how long a backend that failed to connect is skipped; &gt;= 0
 * @param healthCheck the active health check, or empty (the default: passive ejection only)
 * @param tls         TLS toward the backends, or empty for plain TCP (the default)
 * @param dns         a name whose addresses are the backends (YAML {@code dns: name:port}), re-resolved
 *                    every {@code dnsInterval}; empty for a static list
 * @param dnsInterval how often {@code dns} is re-resolved; default 10s
 */
public record PoolConfig(String name, List<BackendConfig> backends, Balance balance, List<HashKey> hashKeys,
                         Fallback fallback, double boundedLoad, int attempts, Duration ejectFor,
                         java.util.Optional<HealthCheck> healthCheck, java.util.Optional<BackendTls> tls,
                         java.util.Optional<HostPort> dns, Duration dnsInterval) {
    /** {@code attempts} when the YAML gives none. */
    public static final int DEFAULT_ATTEMPTS = 3;
    /** Largest accepted {@code attempts}. */
    public static final int MAX_ATTEMPTS = 100;
    /** {@code dns-interval} when the YAML gives none. */
    public static final Duration DEFAULT_DNS_INTERVAL = Duration.ofSeconds(10);
    /** {@code eject-for} when the YAML gives none. */
    public static final Duration DEFAULT_EJECT_FOR = Duration.ofSeconds(10);

    /** A pool without an active health check. */
    public PoolConfig(String name, List<BackendConfig> backends, Balance balance, List<HashKey> hashKeys,
                      Fallback fallback, double boundedLoad, int attempts, Duration ejectFor) {
        this(name, backends, balance, hashKeys, fallback, boundedLoad, attempts, ejectFor, java.util.Optional.empty(),
                java.util.Optional.empty(), java.util.Optional.empty(), DEFAULT_DNS_INTERVAL);
    }

    /** The same pool with another backend list (DNS re-resolution). */
    public PoolConfig withBackends(List<BackendConfig> resolved) {
        return new PoolConfig(name, resolved, balance, hashKeys, fallback, boundedLoad, attempts, ejectFor, healthCheck, tls,
                dns, dnsInterval);
    }

    /** @throws IllegalArgumentException if any value is outside the ranges above */
    public PoolConfig {
        Objects.requireNonNull(name, "name");
        backends = List.copyOf(backends);
        Objects.requireNonNull(balance, "balance");
        hashKeys = List.copyOf(hashKeys);
        if (hashKeys.isEmpty()) {
            throw new IllegalArgumentException("pool needs at least one hash key");
        }
        Objects.requireNonNull(fallback, "fallback");
        Objects.requireNonNull(ejectFor, "ejectFor");
        Objects.requireNonNull(healthCheck, "healthCheck");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(dns, "dns");
        Objects.requireNonNull(dnsInterval, "dnsInterval");
        if (name.isBlank()) {
            throw new IllegalArgumentException("pool name must not be blank");
        }
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("pool '" + name + "' has no backends");
        }
        Set<String> seen = new HashSet<>();
        for (BackendConfig b : backends) {
            if (!seen.add(b.id().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("pool '" + name + "' lists " + b.id() + " twice");
            }
        }
        if (!(boundedLoad == 0 || boundedLoad > 1.0) || Double.isInfinite(boundedLoad)) {
            throw new IllegalArgumentException("boundedLoad must be 0 or > 1.0; got " + boundedLoad);
        }
        if (attempts < 1 || attempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("attempts must be 1.." + MAX_ATTEMPTS + "; got " + attempts);
        }
        if (ejectFor.isNegative()) {
            throw new IllegalArgumentException("ejectFor must be >= 0; got " + ejectFor);
        }
    }
}
