package io.switchboard.config;

import java.time.Duration;
import java.util.List;

import org.yaml.snakeyaml.nodes.Node;

/** Reads the {@code drain}, {@code admin} and {@code limits} sections. Package-private: {@link ConfigLoader} is the entry point. */
final class DrainParser {
    static final List<String> DRAIN_KEYS = List.of("delay", "spread", "deadline", "close-code", "rebalance");
    static final List<String> ADMIN_KEYS = List.of("listen", "token-file", "token-env");
    static final List<String> LIMIT_KEYS = List.of("max-connections", "max-connections-per-ip", "handshakes-per-second",
            "max-header-size");

    private DrainParser() {
    }

    static DrainConfig drain(Node node, Problems problems) {
        DrainConfig d = DrainConfig.DEFAULTS;
        if (node == null || Values.isNull(node)) {
            return d;
        }
        YamlMap map = YamlMap.of(node, "drain", "a mapping of drain settings", DRAIN_KEYS, problems);
        if (map == null) {
            return d;
        }
        int before = problems.count();
        Duration delay = map.duration("delay", d.delay());
        Duration spread = map.duration("spread", d.spread());
        Duration deadline = map.duration("deadline", d.deadline());
        Node codeNode = map.get("close-code");
        Integer code = codeNode == null ? Integer.valueOf(d.closeCode())
                : Values.integer(codeNode, map.join("close-code"), 1001, 1012, problems);
        if (code != null && code != 1001 && code != 1012) {
            problems.add(codeNode, map.join("close-code"), "expected 1012 (service restart) or 1001 (going away); got " + code);
            code = null;
        }
        Node rebalanceNode = map.get("rebalance");
        DrainConfig.Rebalance rebalance = rebalanceNode == null ? d.rebalance()
                : Values.choice(rebalanceNode, map.join("rebalance"), DrainConfig.Rebalance.values(),
                        DrainConfig.Rebalance::yamlName, problems);
        if (problems.count() > before || code == null || rebalance == null) {
            return d;
        }
        if (deadline.compareTo(delay.plus(spread)) <= 0) {
            Node at = map.get("deadline") != null ? map.get("deadline") : map.node();
            problems.add(at, map.join("deadline"), "must be longer than delay + spread (" + delay.plus(spread).toMillis()
                    + "ms), so paced closes finish before it");
            return d;
        }
        return new DrainConfig(delay, spread, deadline, code, rebalance);
    }

    /**
     * The admin listener: address (default {@code 127.0.0.1:9901}, loopback: not reachable from
     * outside) and the bearer token that guards {@code /admin} and {@code /metrics}, required when
     * the address is not loopback.
     */
    static AdminConfig admin(Node node, Problems problems) {
        if (node == null || Values.isNull(node)) {
            return AdminConfig.DEFAULT;
        }
        YamlMap map = YamlMap.of(node, "admin", "a mapping with 'listen'", ADMIN_KEYS, problems);
        if (map == null) {
            return AdminConfig.DEFAULT;
        }
        Node listen = map.get("listen");
        HostPort hp = listen == null ? AdminConfig.DEFAULT.listen()
                : Values.convert(listen, "admin.listen", "host:port like 127.0.0.1:9901", HostPort::parse, problems);
        String file = map.get("token-file") == null ? null
                : Values.readableFile(map.get("token-file"), "admin.token-file", "a file path", problems);
        String env = map.get("token-env") == null ? null
                : Values.text(map.get("token-env"), "admin.token-env", "an environment variable name", problems);
        if (hp == null) {
            return AdminConfig.DEFAULT;
        }
        AdminConfig admin = new AdminConfig(hp, java.util.Optional.ofNullable(file), java.util.Optional.ofNullable(env));
        if (!admin.loopback() && file == null && env == null) {
            problems.add(listen, "admin.listen", "the admin listener is exposed beyond loopback: set admin.token-file "
                    + "or admin.token-env so /admin and /metrics require a bearer token");
        }
        return admin;
    }

    /** The {@code limits} section; absent keys are 0 (no limit). */
    static Limits limits(Node node, Problems problems) {
        if (node == null || Values.isNull(node)) {
            return Limits.NONE;
        }
        YamlMap map = YamlMap.of(node, "limits", "a mapping of limits", LIMIT_KEYS, problems);
        if (map == null) {
            return Limits.NONE;
        }
        int[] v = new int[LIMIT_KEYS.size()];
        for (int i = 0; i < 3; i++) {
            Node n = map.get(LIMIT_KEYS.get(i));
            Integer value = n == null ? Integer.valueOf(0) : Values.integer(n, map.join(LIMIT_KEYS.get(i)), 0, 10_000_000, problems);
            v[i] = value == null ? 0 : value;
        }
        Node headerNode = map.get("max-header-size");
        Long header = headerNode == null ? Long.valueOf(Limits.DEFAULT_MAX_HEADER_SIZE)
                : Values.convert(headerNode, map.join("max-header-size"), "a size like 16KiB", Sizes::parse, problems);
        if (header != null && (header < 1024 || header > 1024 * 1024)) {
            problems.add(headerNode, map.join("max-header-size"), "expected a size from 1KiB to 1MiB; got '" + header + "'");
            header = null;
        }
        return new Limits(v[0], v[1], v[2], header == null ? Limits.DEFAULT_MAX_HEADER_SIZE : header.intValue());
    }

}
