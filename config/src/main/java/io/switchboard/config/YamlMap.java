package io.switchboard.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A YAML mapping whose keys have been checked once, up front: unknown keys (with a typo hint),
 * duplicate keys and non-scalar keys are reported here, so section parsers only ask for keys
 * they know. For a duplicate key the first value counts.
 */
final class YamlMap {
    private final MappingNode node;
    private final String path;
    private final Problems problems;
    private final Map<String, Node> values = new LinkedHashMap<>();
    private final Map<String, Node> keys = new LinkedHashMap<>();

    private YamlMap(MappingNode node, String path, Problems problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /**
     * Wraps {@code node} if it is a mapping; otherwise reports "expected {expected}; got ..." and
     * returns null.
     *
     * @param allowed the keys this section defines, or null when keys are names chosen by the
     *                user (pool names)
     */
    static YamlMap of(Node node, String path, String expected, List<String> allowed, Problems problems) {
        if (!(node instanceof MappingNode mapping)) {
            problems.add(node, path, "expected " + expected + "; got " + Values.describe(node));
            return null;
        }
        YamlMap map = new YamlMap(mapping, path, problems);
        for (NodeTuple tuple : mapping.getValue()) {
            map.addEntry(tuple, allowed);
        }
        return map;
    }

    private void addEntry(NodeTuple tuple, List<String> allowed) {
        Node keyNode = tuple.getKeyNode();
        if (!(keyNode instanceof ScalarNode scalar)) {
            problems.add(keyNode, path, "keys must be plain names; got " + Values.describe(keyNode));
            return;
        }
        String key = scalar.getValue();
        if (allowed != null && !allowed.contains(key)) {
            // '<<' is YAML 1.1's merge key; SnakeYAML's node API leaves it unexpanded.
            String typo = Suggest.didYouMean(key, allowed);
            String hint = key.equals("<<") ? " (YAML merge keys are not supported; write the keys out)"
                    : !typo.isEmpty() ? typo : KeyHomes.hint(key);
            problems.add(keyNode, join(key), "unknown key" + hint);
            return;
        }
        Node first = keys.get(key);
        if (first != null) {
            int firstLine = first.getStartMark().getLine() + 1;
            problems.add(keyNode, join(key), "duplicate key (first defined at line " + firstLine + ")");
            return;
        }
        keys.put(key, keyNode);
        values.put(key, tuple.getValueNode());
    }

    /** The duration under {@code key}, or {@code base} when absent or invalid (then reported). */
    java.time.Duration duration(String key, java.time.Duration base) {
        Node node = values.get(key);
        if (node == null) {
            return base;
        }
        java.time.Duration d = Values.convert(node, join(key), Values.DURATION, Durations::parse, problems);
        return d == null ? base : d;
    }

    /** The value of {@code key}, or null when absent. */
    Node get(String key) {
        return values.get(key);
    }

    /** The value of {@code key}; when absent, reports "required key is missing" and returns null. */
    Node required(String key) {
        Node value = values.get(key);
        if (value == null) {
            problems.add(node, join(key), "required key is missing");
        }
        return value;
    }

    /** The node of {@code key} itself (for errors about the name rather than the value). */
    Node keyNode(String key) {
        return keys.get(key);
    }

    /** Accepted entries, file order. */
    Map<String, Node> entries() {
        return Collections.unmodifiableMap(values);
    }

    /** The mapping itself (for errors about the mapping as a whole). */
    MappingNode node() {
        return node;
    }

    /** This mapping's path. */
    String path() {
        return path;
    }

    /** The path of {@code key} inside this mapping, e.g. {@code pools.chat} + {@code balance}. */
    String join(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }
}
