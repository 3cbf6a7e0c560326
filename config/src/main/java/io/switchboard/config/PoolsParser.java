package io.switchboard.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads the {@code pools} section. Package-private: {@link ConfigLoader} is the entry point. */
final class PoolsParser {
    static final List<String> POOL_KEYS =
            List.of("backends", "balance", "hash-key", "fallback", "bounded-load", "attempts", "eject-for",
                    "health-check", "tls", "dns", "dns-interval");
    private static final List<String> BACKEND_KEYS = List.of("address", "weight");
    private static final String BACKEND_FORM = "host:port or {address: host:port, weight: N}";

    /**
     * @param pools valid pools by name, file order
     * @param names every pool name declared, valid or not, so routes naming a broken pool are not
     *              also reported as naming a missing one; null when the section itself was unusable
     */
    record Result(Map<String, PoolConfig> pools, Set<String> names) {
    }

    private final Problems problems;

    private PoolsParser(Problems problems) {
        this.problems = problems;
    }

    static Result parse(Node section, Problems problems) {
        return new PoolsParser(problems).pools(section);
    }

    private Result pools(Node section) {
        Map<String, PoolConfig> pools = new LinkedHashMap<>();
        YamlMap map = YamlMap.of(section, "pools", "a mapping of pool name to pool", null, problems);
        if (map == null) {
            return new Result(pools, null);
        }
        if (map.node().getValue().isEmpty()) {
            problems.add(section, "pools", "at least one pool is required");
        }
        Set<String> names = new LinkedHashSet<>();
        map.entries().forEach((name, value) -> {
            names.add(name);
            if (name.isBlank()) {
                problems.add(map.keyNode(name), "pools", "pool name must not be empty");
                return;
            }
            PoolConfig pool = pool(name, value);
            if (pool != null) {
                pools.put(name, pool);
            }
        });
        return new Result(pools, names);
    }

    /** One pool, or null when it had errors (all of them reported). */
    private PoolConfig pool(String name, Node node) {
        int before = problems.count();
        YamlMap map = YamlMap.of(node, "pools." + name, "a mapping with 'backends'", POOL_KEYS, problems);
        if (map == null) {
            return null;
        }
        Node dnsNode = map.get("dns");
        HostPort dns = dnsNode == null ? null
                : Values.convert(dnsNode, map.join("dns"), "name:port like chat-headless:9000", HostPort::parse, problems);
        if (dns != null && dns.port() == 0) {
            problems.add(dnsNode, map.join("dns"), "expected a backend port from 1 to 65535; got 0");
            dns = null;
        }
        List<BackendConfig> backends = dnsNode != null ? resolve(dns, dnsNode, map.join("dns"))
                : backends(map.required("backends"), map.join("backends"));
        if (dnsNode != null && map.get("backends") != null) {
            problems.add(map.get("backends"), map.join("backends"), "give either 'backends' or 'dns', not both");
        }
        Duration dnsInterval = map.duration("dns-interval", PoolConfig.DEFAULT_DNS_INTERVAL);
        Balance balance = opt(map, "balance", Balance.CONSISTENT_HASH,
                n -> Values.choice(n, map.join("balance"), Balance.values(), Balance::yamlName, problems));
        List<HashKey> hashKeys = opt(map, "hash-key", List.of(HashKey.IP), n -> hashKeys(n, map.join("hash-key")));
        Fallback fallback = opt(map, "fallback", Fallback.ROUND_ROBIN,
                n -> Values.choice(n, map.join("fallback"), Fallback.values(), Fallback::yamlName, problems));
        Double boundedLoad = opt(map, "bounded-load", 0.0, n -> boundedLoad(n, map.join("bounded-load")));
        Integer attempts = opt(map, "attempts", PoolConfig.DEFAULT_ATTEMPTS,
                n -> Values.integer(n, map.join("attempts"), 1, PoolConfig.MAX_ATTEMPTS, problems));
        Duration ejectFor = opt(map, "eject-for", PoolConfig.DEFAULT_EJECT_FOR,
                n -> Values.convert(n, map.join("eject-for"), Values.DURATION, Durations::parse, problems));
        java.util.Optional<HealthCheck> healthCheck = healthCheck(map.get("health-check"), map.join("health-check"));
        java.util.Optional<BackendTls> tls = tls(map.get("tls"), map.join("tls"));
        if (problems.count() > before) {
            return null;
        }
        return new PoolConfig(name, backends, balance, hashKeys, fallback, boundedLoad, attempts, ejectFor, healthCheck, tls,
                java.util.Optional.ofNullable(dns), dnsInterval);
    }

    /** The value of an optional key: {@code fallback} when absent, else {@code read} (null on error). */
    private static <T> T opt(YamlMap map, String key, T fallback, Function<Node, T> read) {
        Node node = map.get(key);
        return node == null ? fallback : read.apply(node);
    }

    /** The addresses {@code dns} resolves to now, as backends (sorted, so every replica lists them alike). */
    private List<BackendConfig> resolve(HostPort dns, Node node, String path) {
        if (dns == null) {
            return null;
        }
        List<BackendConfig> resolved = DnsResolver.resolve(dns);
        if (resolved.isEmpty()) {
            problems.add(node, path, "'" + dns.host() + "' resolves to no address");
            return null;
        }
        return resolved;
    }

    /** {@code tls: {ca-file: ca.pem}} or {@code tls: {}} (the JVM's trust store). */
    private java.util.Optional<BackendTls> tls(Node node, String path) {
        if (node == null) {
            return java.util.Optional.empty();
        }
        if (Values.isNull(node)) {
            return java.util.Optional.of(new BackendTls(java.util.Optional.empty()));
        }
        YamlMap map = YamlMap.of(node, path, "a mapping like {ca-file: ca.pem}", List.of("ca-file"), problems);
        if (map == null) {
            return java.util.Optional.empty();
        }
        Node ca = map.get("ca-file");
        String file = ca == null ? null : Values.pemFile(ca, map.join("ca-file"), problems, Pem::certificates);
        return java.util.Optional.of(new BackendTls(java.util.Optional.ofNullable(file)));
    }

    /** {@code health-check: {path: /healthz, websocket: false, interval: 5s, timeout: 2s, rise: 2, fall: 3}}. */
    private java.util.Optional<HealthCheck> healthCheck(Node node, String path) {
        if (node == null || Values.isNull(node)) {
            return java.util.Optional.empty();
        }
        YamlMap map = YamlMap.of(node, path, "a mapping with 'path'",
                List.of("path", "websocket", "interval", "timeout", "rise", "fall"), problems);
        if (map == null) {
            return java.util.Optional.empty();
        }
        Node pathNode = map.required("path");
        String probe = pathNode == null ? null : Values.text(pathNode, map.join("path"), "a path like /healthz", problems);
        if (probe != null && !probe.startsWith("/")) {
            problems.add(pathNode, map.join("path"), "expected a path starting with '/'; got '" + probe + "'");
            probe = null;
        }
        Node ws = map.get("websocket");
        Boolean websocket = ws == null ? Boolean.FALSE : Values.flag(ws, map.join("websocket"), problems);
        Duration interval = map.duration("interval", Duration.ofSeconds(5));
        Duration timeout = map.duration("timeout", Duration.ofSeconds(2));
        Integer rise = map.get("rise") == null ? Integer.valueOf(2) : Values.integer(map.get("rise"), map.join("rise"), 1, 100, problems);
        Integer fall = map.get("fall") == null ? Integer.valueOf(3) : Values.integer(map.get("fall"), map.join("fall"), 1, 100, problems);
        if (probe == null || websocket == null || rise == null || fall == null || interval.isZero() || timeout.isZero()) {
            if (probe != null && (interval.isZero() || timeout.isZero())) {
                problems.add(node, path, "interval and timeout must be above 0");
            }
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new HealthCheck(probe, websocket, interval, timeout, rise, fall));
    }

    /** One key ({@code header:X-User}) or a list tried in order ({@code [header:X-User, query:user]}). */
    private List<HashKey> hashKeys(Node node, String path) {
        String expected = "a hash key like ip, header:NAME, cookie:NAME, query:NAME, path:N, or a list of them";
        if (!(node instanceof SequenceNode)) {
            HashKey key = Values.convert(node, path, expected, HashKey::parse, problems);
            return key == null ? null : List.of(key);
        }
        List<Node> items = Values.list(node, path, expected, problems);
        if (items.isEmpty()) {
            problems.add(node, path, "expected at least one hash key");
            return null;
        }
        List<HashKey> keys = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            HashKey key = Values.convert(items.get(i), path + "[" + i + "]", expected, HashKey::parse, problems);
            if (key == null) {
                return null;
            }
            keys.add(key);
        }
        return keys;
    }

    private Double boundedLoad(Node node, String path) {
        String expected = "a number above 1.0 such as 1.25, or 0 for off";
        Double d = Values.decimal(node, path, expected, problems);
        if (d != null && d != 0 && d <= 1.0) {
            problems.add(node, path, "expected " + expected + "; got '" + ((ScalarNode) node).getValue()
                    + "' (a backend's share cannot be capped below the average)");
            return null;
        }
        return d;
    }

    private List<BackendConfig> backends(Node node, String path) {
        if (node == null) {
            return null;
        }
        List<Node> items = Values.list(node, path, "a list of backends (" + BACKEND_FORM + ")", problems);
        if (items == null) {
            return null;
        }
        if (items.isEmpty()) {
            problems.add(node, path, "at least one backend is required");
        }
        List<BackendConfig> backends = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            String itemPath = path + "[" + i + "]";
            BackendConfig backend = backend(items.get(i), itemPath);
            if (backend == null) {
                continue;
            }
            // Host names are case-insensitive, so Example:1 and example:1 are one backend.
            Integer first = seen.putIfAbsent(backend.id().toLowerCase(Locale.ROOT), i);
            if (first != null) {
                problems.add(items.get(i), itemPath, "duplicate backend " + backend.id()
                        + " (already listed as backends[" + first + "])");
            } else {
                backends.add(backend);
            }
        }
        return backends;
    }

    private BackendConfig backend(Node node, String path) {
        if (node instanceof MappingNode) {
            YamlMap map = YamlMap.of(node, path, BACKEND_FORM, BACKEND_KEYS, problems);
            Node addressNode = map.required("address");
            HostPort address = addressNode == null ? null : address(addressNode, map.join("address"));
            Node weightNode = map.get("weight");
            Integer weight = weightNode == null ? Integer.valueOf(BackendConfig.DEFAULT_WEIGHT)
                    : Values.integer(weightNode, map.join("weight"), 1, BackendConfig.MAX_WEIGHT, problems);
            return address == null || weight == null ? null : new BackendConfig(address, weight);
        }
        if (node instanceof ScalarNode && !Values.isNull(node)) {
            HostPort address = address(node, path);
            return address == null ? null : new BackendConfig(address, BackendConfig.DEFAULT_WEIGHT);
        }
        problems.add(node, path, "expected " + BACKEND_FORM + "; got " + Values.describe(node));
        return null;
    }

    private HostPort address(Node node, String path) {
        HostPort address = Values.convert(node, path, "host:port like 127.0.0.1:9001", HostPort::parse, problems);
        if (address != null && address.port() == 0) {
            problems.add(node, path, "backend port must be 1..65535; got '" + ((ScalarNode) node).getValue() + "'");
            return null;
        }
        return address;
    }
}
