package io.switchboard.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin listener (YAML section {@code admin}).
 *
 * @param listen    its address; default {@code 127.0.0.1:9901}
 * @param tokenFile a file holding the bearer token for {@code /admin} and {@code /metrics}
 * @param tokenEnv  an environment variable holding it (used when no file is given)
 */
public record AdminConfig(HostPort listen, Optional<String> tokenFile, Optional<String> tokenEnv) {
    /** Loopback only, no token. */
    public static final AdminConfig DEFAULT = new AdminConfig(new HostPort("127.0.0.1", 9901), Optional.empty(),
            Optional.empty());

    public AdminConfig {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(tokenFile, "tokenFile");
        Objects.requireNonNull(tokenEnv, "tokenEnv");
    }

    /** Whether {@link #listen} is a loopback address (then no token is needed). */
    public boolean loopback() {
        try {
            return InetAddress.getByName(listen.host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
