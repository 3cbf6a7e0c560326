package io.switchboard.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed reads of YAML nodes. Each method either returns the value or reports one problem and
 * returns null; callers then skip whatever depended on it.
 *
 * <p>Scalars are read by their text, not their resolved YAML tag, so {@code weight: "2"} and
 * {@code weight: 2} are the same and {@code host: on} stays the string "on".
 */
final class Values {
    /** What a duration looks like, for "expected ..." when the value is not even a scalar. */
    static final String DURATION = "a duration like 500ms, 20s, 5m, 24h";
    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,9}");
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,9}(\\.\\d{1,9})?");

    private Values() {
    }

    /** How a node looks, for "got ..." in messages. */
    static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return isNull(node) ? "nothing" : "'" + ((ScalarNode) node).getValue() + "'";
    }

    /** An empty value ({@code key:} or {@code key: ~}). */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    /** The text of a non-empty scalar; reports "expected {expected}; got ..." otherwise. */
    static String text(Node node, String path, String expected, Problems problems) {
        if (node instanceof ScalarNode s && !isNull(node)) {
            return s.getValue();
        }
        problems.add(node, path, "expected " + expected + "; got " + describe(node));
        return null;
    }

    /**
     * A scalar converted by {@code parser}, whose IllegalArgumentException message is reported
     * as is (the utility parsers already say what they expected and what they got).
     */
    static <T> T convert(Node node, String path, String expected, Function<String, T> parser, Problems problems) {
        String s = text(node, path, expected, problems);
        if (s == null) {
            return null;
        }
        try {
            return parser.apply(s);
        } catch (IllegalArgumentException e) {
            problems.add(node, path, e.getMessage());
            return null;
        }
    }

    /**
     * A path to a file the proxy reads (certificates, keys, a token): it must name a regular,
     * readable file. Checked when the config loads, so {@code check} and a reload report it with
     * its line, instead of the listener failing at start-up.
     *
     * @return the path as written, or null after reporting the problem
     */
    static String readableFile(Node node, String path, String expected, Problems problems) {
        String file = text(node, path, expected, problems);
        if (file == null) {
            return null;
        }
        java.nio.file.Path p;
        try {
            p = java.nio.file.Path.of(file);
        } catch (java.nio.file.InvalidPathException e) {
            problems.add(node, path, "not a valid file path: '" + file + "'");
            return null;
        }
        String why = !java.nio.file.Files.exists(p) ? "no such file"
                : java.nio.file.Files.isDirectory(p) ? "a directory, not a file"
                : !java.nio.file.Files.isReadable(p) ? "permission denied" : null;
        if (why != null) {
            problems.add(node, path, "cannot read '" + file + "': " + why);
            return null;
        }
        return file;
    }

    /**
     * {@link #readableFile}, then the file's contents checked by {@code parse} (one of {@link Pem}'s
     * readers), so a file of the wrong kind is reported with its key and line.
     */
    static String pemFile(Node node, String path, Problems problems, PemReader parse) {
        String file = readableFile(node, path, "a PEM file path", problems);
        if (file == null) {
            return null;
        }
        try {
            parse.read(java.nio.file.Path.of(file));
            return file;
        } catch (java.io.IOException | IllegalArgumentException e) {
            problems.add(node, path, "'" + file + "': " + e.getMessage());
            return null;
        }
    }

    /** One of {@link Pem}'s readers. */
    interface PemReader {
        Object read(java.nio.file.Path file) throws java.io.IOException;
    }

    /** A yes/no switch: {@code true}, {@code false}, or YAML 1.1's {@code on}, {@code off}, {@code yes}, {@code no}. */
    static Boolean flag(Node node, String path, Problems problems) {
        String s = text(node, path, "true or false", problems);
        if (s == null) {
            return null;
        }
        return switch (s) {
            case "true", "on", "yes" -> Boolean.TRUE;
            case "false", "off", "no" -> Boolean.FALSE;
            default -> {
                problems.add(node, path, "expected true or false; got '" + s + "'");
                yield null;
            }
        };
    }

    /** A whole number in {@code min..max}. */
    static Integer integer(Node node, String path, int min, int max, Problems problems) {
        String expected = "a whole number from " + min + " to " + max;
        String s = text(node, path, expected, problems);
        if (s == null) {
            return null;
        }
        if (INTEGER.matcher(s).matches()) {
            int n = Integer.parseInt(s);
            if (n >= min && n <= max) {
                return n;
            }
        }
        problems.add(node, path, "expected " + expected + "; got '" + s + "'");
        return null;
    }

    /** A non-negative decimal number such as {@code 1.25}. */
    static Double decimal(Node node, String path, String expected, Problems problems) {
        String s = text(node, path, expected, problems);
        if (s == null) {
            return null;
        }
        if (!DECIMAL.matcher(s).matches()) {
            problems.add(node, path, "expected " + expected + "; got '" + s + "'");
            return null;
        }
        return Double.parseDouble(s);
    }

    /** One of an enum's YAML names, with a typo hint. */
    static <E extends Enum<E>> E choice(Node node, String path, E[] values, Function<E, String> yamlName,
                                        Problems problems) {
        Map<String, E> byName = new LinkedHashMap<>();
        for (E e : values) {
            byName.put(yamlName.apply(e), e);
        }
        String expected = "one of " + String.join(", ", byName.keySet());
        String s = text(node, path, expected, problems);
        if (s == null) {
            return null;
        }
        E e = byName.get(s);
        if (e == null) {
            problems.add(node, path, "expected " + expected + "; got '" + s + "'"
                    + Suggest.didYouMean(s, byName.keySet()));
        }
        return e;
    }

    /** The items of a list, or null after reporting. */
    static List<Node> list(Node node, String path, String expected, Problems problems) {
        if (node instanceof SequenceNode seq) {
            return new ArrayList<>(seq.getValue());
        }
        problems.add(node, path, "expected " + expected + "; got " + describe(node));
        return null;
    }
}
