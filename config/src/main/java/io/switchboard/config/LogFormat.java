package io.switchboard.config;

import java.util.Locale;

/** The access log's format; YAML {@code log.format}, default {@link #PLAIN}. */
public enum LogFormat {
    /** {@code kind key=value ...}, one line each. */
    PLAIN,
    /** One JSON object per line, {@code {"kind":"ws", ...}}. */
    JSON;

    /** The YAML spelling. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
