package io.switchboard.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Resolves a pool's {@code dns: name:port} into backends: every address the name has (a
 * Kubernetes headless Service gives one per ready pod), in a stable order so replicas hash alike.
 */
public final class DnsResolver {
    private DnsResolver() {
    }

    /** The backends behind {@code dns} now; empty when the name does not resolve. */
    public static List<BackendConfig> resolve(HostPort dns) {
        try {
            return Arrays.stream(InetAddress.getAllByName(dns.host()))
                    .map(a -> new BackendConfig(new HostPort(a.getHostAddress(), dns.port()), BackendConfig.DEFAULT_WEIGHT))
                    .distinct()
                    .sorted(java.util.Comparator.comparing(BackendConfig::id))
                    .toList();
        } catch (UnknownHostException e) {
            return List.of();
        }
    }
}
