package io.switchboard.config;

import java.util.Objects;
import java.util.Optional;

/**
 * TLS toward a pool's backends (YAML {@code pools.NAME.tls}): WebSocket upgrades go out as
 * {@code wss://} and plain HTTP as {@code https://}, with the backend's certificate verified
 * against {@code ca-file} (PEM) or, without one, the JVM's default trust store; the host name is
 * verified against the backend's address.
 *
 * @param caFile PEM certificates to trust, or empty for the JVM's defaults
 */
public record BackendTls(Optional<String> caFile) {
    public BackendTls {
        Objects.requireNonNull(caFile, "caFile");
    }
}
