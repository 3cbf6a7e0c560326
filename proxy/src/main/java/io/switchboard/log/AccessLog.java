package io.switchboard.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * The access log: one line per WebSocket and per plain HTTP request, on the JUL logger
 * {@code switchboard.access} (printed to stdout by the default logging setup). Sticky keys are
 * logged hashed, never raw, because they are often user ids.
 */
public final class AccessLog {
    private static final Logger LOG = Logger.getLogger("switchboard.access");

    private AccessLog() {
    }

    /** Writes one line. */
    public static void log(String line) {
        LOG.info(line);
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
