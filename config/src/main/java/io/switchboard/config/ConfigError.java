package io.switchboard.config;

import java.util.Objects;

/**
 * One problem in a config file, positioned for a human and an editor.
 *
 * <p>Printed as {@code source:line:column: path: message}, for example
 * {@code chat.yaml:14:11: routes[1].pool: no pool named 'webb' (did you mean 'web'?)}.
 * Errors about the file as a whole (unreadable, empty, YAML syntax) have an empty {@code path},
 * and {@code toString} then leaves out the path part; errors with no position (the file could not
 * be read) have line 0 and leave out {@code :line:column}.
 *
 * @param source  file path as given, or a name such as {@code <demo>}
 * @param line    1-based line, or 0 when there is no position
 * @param column  1-based column, or 0 when there is no position
 * @param path    where in the YAML tree, e.g. {@code pools.chat.backends[0].weight}; may be empty
 * @param message what is wrong and, where possible, what would be right
 */
public record ConfigError(String source, int line, int column, String path, String message) {
    /** Rejects nulls. */
    public ConfigError {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return source + (line > 0 ? ":" + line + ":" + column : "") + ": "
                + (path.isEmpty() ? "" : path + ": ") + message;
    }
}
