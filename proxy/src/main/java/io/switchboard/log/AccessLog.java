package io.switchboard.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The access log: one line per WebSocket and per plain HTTP request, on the JUL logger
 * {@code switchboard.access} (stdout with the command-line logging setup). A line is a kind
 * ({@code ws} or {@code http}) and ordered fields, written as {@code kind key=value ...} (values
 * with spaces quoted) or, with {@link #useJson}, as one JSON object per line. Sticky keys are logged
 * hashed, never raw, because they are often user ids.
 */
public final class AccessLog {
    private static final Logger LOG = Logger.getLogger("switchboard.access");
    private static volatile boolean json;

    private AccessLog() {
    }

    /** Switches every later line to JSON ({@code log.format: json}) or back to plain text. */
    public static void useJson(boolean on) {
        json = on;
    }

    /** Starts a line of {@code kind}. */
    public static Line line(String kind) {
        return new Line(kind);
    }

    /** One access log line being built; {@link #write} logs it. */
    public static final class Line {
        private final String kind;
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Line(String kind) {
            this.kind = kind;
        }

        /** Adds a field (later ones with the same key replace earlier ones). */
        public Line add(String key, Object value) {
            fields.put(key, value);
            return this;
        }

        /** Adds every field of {@code other} (a prefix built earlier). */
        public Line addAll(Line other) {
            fields.putAll(other.fields);
            return this;
        }

        /** Writes the line. */
        public void write() {
            LOG.info(json ? json() : plain());
        }

        String plain() {
            StringBuilder b = new StringBuilder(kind);
            fields.forEach((k, v) -> {
                String s = String.valueOf(v);
                b.append(' ').append(k).append('=').append(s.indexOf(' ') >= 0 || s.isEmpty() ? "\"" + s.replace("\"", "'") + "\"" : s);
            });
            return b.toString();
        }

        String json() {
            StringBuilder b = new StringBuilder("{\"kind\":\"").append(kind).append('"');
            fields.forEach((k, v) -> {
                b.append(",\"").append(k).append("\":");
                if (v instanceof Number n) {
                    b.append(n);
                } else {
                    quote(b, String.valueOf(v));
                }
            });
            return b.append('}').toString();
        }

        private static void quote(StringBuilder b, String s) {
            b.append('"');
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            b.append('"');
        }
    }

    /** A short, stable, non-reversible tag of a sticky key ({@code -} when there is none). */
    public static String hashKey(String key) {
        if (key == null) {
            return "-";
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
