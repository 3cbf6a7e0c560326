package io.switchboard.config;

import java.time.Duration;
import java.util.List;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Reads a {@code websocket} section over a base policy: keys present replace the base's values,
 * absent keys keep them. Used for the top level (base: {@link WebSocketPolicy#DEFAULTS}) and for
 * each route (base: the top level's result).
 */
final class WebSocketParser {
    static final List<String> KEYS = List.of("heartbeat", "idle", "max-lifetime", "lifetime-jitter",
            "max-frame-size", "max-message-size");
    static final List<String> HEARTBEAT_KEYS = List.of("interval", "timeout", "downstream", "upstream");
    private static final List<String> LEG_KEYS = List.of("interval", "timeout");
    private static final String HEARTBEAT_FORM = "off, or a mapping like {interval: 20s, timeout: 10s}";

    private final Problems problems;

    private WebSocketParser(Problems problems) {
        this.problems = problems;
    }

    /** The policy of {@code node} (may be null: then {@code base}) at {@code path}. */
    static WebSocketPolicy parse(Node node, String path, WebSocketPolicy base, Problems problems) {
        if (node == null || Values.isNull(node)) {
            return base;
        }
        return new WebSocketParser(problems).policy(node, path, base);
    }

    private WebSocketPolicy policy(Node node, String path, WebSocketPolicy base) {
        YamlMap map = YamlMap.of(node, path, "a mapping of websocket settings", KEYS, problems);
        if (map == null) {
            return base;
        }
        Heartbeat[] legs = heartbeat(map.get("heartbeat"), map.join("heartbeat"), base.downstream(), base.upstream());
        Duration idle = map.duration("idle", base.idle());
        Duration maxLifetime = map.duration("max-lifetime", base.maxLifetime());
        Node jitterNode = map.get("lifetime-jitter");
        double jitter = jitterNode == null ? base.lifetimeJitter() : jitter(jitterNode, map.join("lifetime-jitter"),
                base.lifetimeJitter());
        long maxFrame = size(map, "max-frame-size", base.maxFrameSize());
        long maxMessage = size(map, "max-message-size", base.maxMessageSize());
        return new WebSocketPolicy(legs[0], legs[1], idle, maxLifetime, jitter, maxFrame, maxMessage);
    }

    /**
     * {@code off}, {@code {interval, timeout}} for both legs, or per leg
     * {@code {downstream: ..., upstream: ...}} (each leg {@code off} or {@code {interval, timeout}}).
     * Both shapes may be combined: top-level interval/timeout apply to legs not named.
     */
    private Heartbeat[] heartbeat(Node node, String path, Heartbeat down, Heartbeat up) {
        if (node == null) {
            return new Heartbeat[] {down, up};
        }
        if (isOff(node)) {
            return new Heartbeat[] {Heartbeat.OFF, Heartbeat.OFF};
        }
        if (!(node instanceof MappingNode)) {
            problems.add(node, path, "expected " + HEARTBEAT_FORM + "; got " + Values.describe(node));
            return new Heartbeat[] {down, up};
        }
        YamlMap map = YamlMap.of(node, path, HEARTBEAT_FORM, HEARTBEAT_KEYS, problems);
        boolean shared = map.get("interval") != null || map.get("timeout") != null;
        // keys given for both legs replace those keys of each leg's own settings, so a route's
        // {timeout: 3s} keeps the backend leg's interval, not the client leg's
        Heartbeat downBase = shared ? leg(map, down.enabled() ? down : Heartbeat.DEFAULT, true) : down;
        Heartbeat upBase = shared ? leg(map, up.enabled() ? up : Heartbeat.DEFAULT, false) : up;
        Heartbeat downstream = legOrOff(map.get("downstream"), map.join("downstream"), downBase);
        Heartbeat upstream = legOrOff(map.get("upstream"), map.join("upstream"), upBase);
        return new Heartbeat[] {downstream, upstream};
    }

    private Heartbeat legOrOff(Node node, String path, Heartbeat base) {
        if (node == null) {
            return base;
        }
        if (isOff(node)) {
            return Heartbeat.OFF;
        }
        YamlMap map = YamlMap.of(node, path, HEARTBEAT_FORM, LEG_KEYS, problems);
        return map == null ? base : leg(map, base.enabled() ? base : Heartbeat.DEFAULT, true);
    }

    /** @param report whether a problem is reported (once, when the same keys build both legs) */
    private Heartbeat leg(YamlMap map, Heartbeat base, boolean report) {
        Duration interval = map.duration("interval", base.interval());
        Duration timeout = map.duration("timeout", base.timeout());
        if (interval.isZero()) {
            return Heartbeat.OFF;
        }
        if (timeout.isZero()) {
            if (report) {
                problems.add(map.node(), map.join("timeout"), "a heartbeat needs a timeout above 0 (or write 'off')");
            }
            return base;
        }
        return new Heartbeat(interval, timeout);
    }

    private static boolean isOff(Node node) {
        // YAML 1.1 reads a bare off as the boolean false
        return node instanceof ScalarNode s && (s.getValue().equals("off") || s.getValue().equals("false"));
    }


    private long size(YamlMap map, String key, long base) {
        Node node = map.get(key);
        if (node == null) {
            return base;
        }
        Long n = Values.convert(node, map.join(key), "a size like 64KiB or 1MiB", Sizes::parse, problems);
        return n == null ? base : n;
    }

    /** {@code 10%} or a fraction like {@code 0.1}, from 0 to 50%. */
    private double jitter(Node node, String path, double base) {
        String expected = "a percentage from 0% to 50%, like 10%";
        String s = Values.text(node, path, expected, problems);
        if (s == null) {
            return base;
        }
        try {
            double v = s.endsWith("%") ? Double.parseDouble(s.substring(0, s.length() - 1).trim()) / 100
                    : Double.parseDouble(s);
            if (v >= 0 && v <= WebSocketPolicy.MAX_JITTER) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(node, path, "expected " + expected + "; got '" + s + "'");
        return base;
    }
}
