package io.switchboard.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A config could not be loaded. Carries every problem found, not just the first, so one run of
 * {@code switchboard check} shows everything to fix; {@link #getMessage()} is the errors, one per
 * line, in file order.
 */
public final class ConfigException extends Exception {
    private final List<ConfigError> errors;

    /**
     * @param errors the problems, at least one (copied)
     * @throws IllegalArgumentException if {@code errors} is empty
     */
    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** The problems, in file order; never empty. */
    public List<ConfigError> errors() {
        return errors;
    }
}
