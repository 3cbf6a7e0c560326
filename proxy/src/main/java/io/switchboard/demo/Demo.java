package io.switchboard.demo;

import java.util.ArrayList;
import java.util.List;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.ProxyConfig;

/**
 * The built-in demo: three embedded {@link EchoBackend}s and the config that puts the proxy in
 * front of them. The config is YAML text loaded through the same {@link ConfigLoader} as a user's
 * file, so the demo exercises the real path.
 */
public final class Demo implements AutoCloseable {
    /** Where the demo listens unless told otherwise. */
    public static final String DEFAULT_LISTEN = "127.0.0.1:8080";
    /** Where the demo's admin listener listens unless told otherwise. */
    public static final String DEFAULT_ADMIN = "127.0.0.1:9901";

    private final List<EchoBackend> backends;
    private final ProxyConfig config;

    private Demo(List<EchoBackend> backends, ProxyConfig config) {
        this.backends = backends;
        this.config = config;
    }

    /** Starts the three backends and builds the proxy config for {@code listen}. */
    public static Demo start(String listen, String admin) throws ConfigException {
        List<EchoBackend> backends = new ArrayList<>();
        for (String name : List.of("backend-a", "backend-b", "backend-c")) {
            backends.add(EchoBackend.start(name));
        }
        return new Demo(backends, ConfigLoader.parse(yaml(listen, admin, backends), "<demo>"));
    }

    static String yaml(String listen, String admin, List<EchoBackend> backends) {
        StringBuilder b = new StringBuilder();
        b.append("listen: ").append(listen).append('\n');
        b.append("admin: {listen: ").append(admin).append("}\n");
        // Ctrl-C drains unpaced anyway; a short spread keeps a SIGTERM'd demo quick too
        b.append("drain: {delay: 0s, spread: 2s, deadline: 5s}\n");
        b.append("pools:\n");
        // X-User pins when present (scripts), query 'user' when not (browsers cannot set headers)
        b.append("  echo:\n    hash-key: [header:X-User, query:user]\n    fallback: ip\n    backends:\n");
        backends.forEach(e -> b.append("      - ").append(e.address()).append('\n'));
        b.append("routes:\n");
        b.append("  - path: /echo\n    pool: echo\n    mode: tunnel\n");
        b.append("  - path: /\n    pool: echo\n");
        return b.toString();
    }

    /** The proxy config in front of the backends. */
    public ProxyConfig config() {
        return config;
    }

    /** What to type to try it, for a proxy on {@code port}. */
    public String instructions(int port, int adminPort) {
        String base = "127.0.0.1:" + port;
        StringBuilder b = new StringBuilder();
        b.append("Switchboard demo: proxy on http://").append(base).append(" in front of\n");
        backends.forEach(e -> b.append("  ").append(e.name()).append(" at ").append(e.address()).append('\n'));
        b.append("Try it:\n");
        b.append("  open http://").append(base).append("/            (a page that opens a WebSocket and shows its backend)\n");
        b.append("  curl -i http://").append(base).append("/name        (plain HTTP through the proxy)\n");
        b.append("  python3 -m websockets ws://").append(base).append("/echo?user=alice   (type /name to see the backend)\n");
        b.append("  curl http://127.0.0.1:").append(adminPort).append("/admin/pools   (the admin API: backends, open WebSockets)\n");
        b.append("The same user always reaches the same backend. Ctrl-C stops the demo.\n");
        return b.toString();
    }

    @Override
    public void close() {
        backends.forEach(EchoBackend::close);
    }
}
