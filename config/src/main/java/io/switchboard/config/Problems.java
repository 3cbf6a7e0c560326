package io.switchboard.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Collects every error of one load. Parsers report and carry on rather than throw, so the user
 * gets the complete list in one go.
 */
final class Problems {
    private final String source;
    private final List<ConfigError> errors = new ArrayList<>();

    Problems(String source) {
        this.source = source;
    }

    /** Reports a problem at the start of {@code node}. */
    void add(Node node, String path, String message) {
        add(node.getStartMark(), path, message);
    }

    /** Reports a problem at a SnakeYAML mark (0-based there, 1-based here); null means no position. */
    void add(Mark mark, String path, String message) {
        if (mark == null) {
            add(0, 0, path, message);
        } else {
            add(mark.getLine() + 1, mark.getColumn() + 1, path, message);
        }
    }

    void add(int line, int column, String path, String message) {
        errors.add(new ConfigError(source, line, column, path, message));
    }

    /** How many problems so far; parsers compare counts to see whether a part was clean. */
    int count() {
        return errors.size();
    }

    boolean isEmpty() {
        return errors.isEmpty();
    }

    /**
     * All problems in file order. Sections are checked in a fixed order (routes need the pool
     * names), so sorting here is what makes the output read top to bottom.
     */
    ConfigException toException() {
        List<ConfigError> sorted = new ArrayList<>(errors);
        sorted.sort(Comparator.comparingInt(ConfigError::line).thenComparingInt(ConfigError::column));
        return new ConfigException(sorted);
    }
}
