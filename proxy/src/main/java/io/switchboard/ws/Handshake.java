package io.switchboard.ws;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;

/**
 * The opening handshake rules of RFC 6455 §4.2.1 (what a server must check) and §4.2.2 (the
 * accept key), with no I/O. {@link #validate} returns the HTTP answer a bad request deserves.
 */
public final class Handshake {
    /** The GUID of RFC 6455 §1.3, appended to the key before hashing. */
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private Handshake() {
    }

    /** Why a handshake was refused: the HTTP status to send and a short reason for the body. */
    public record Refusal(int status, String reason) {
    }

    /** The request fields the §4.2.1 checks look at; any may be null when absent. */
    public record Request(String method, String protocolVersion, String host, String connection,
                          String key, String version) {
    }

    /**
     * Checks a client's opening handshake.
     *
     * @return null when acceptable; otherwise a 400 for a malformed request (wrong method, no Host,
     *         no {@code Connection: upgrade} token, a key that is not 16 base64-encoded bytes) or a
     *         426 for a {@code Sec-WebSocket-Version} other than 13 (§4.2.2: the caller must then
     *         send {@code Sec-WebSocket-Version: 13})
     */
    public static Refusal validate(Request r) {
        if (!"GET".equals(r.method())) {
            return new Refusal(400, "WebSocket upgrade requires GET, got " + r.method());
        }
        if (!"1.1".equals(r.protocolVersion())) {
            return new Refusal(400, "WebSocket upgrade requires HTTP/1.1");
        }
        if (r.host() == null || r.host().isBlank()) {
            return new Refusal(400, "missing Host header");
        }
        if (!hasToken(r.connection(), "upgrade")) {
            return new Refusal(400, "Connection header lacks the 'upgrade' token");
        }
        if (!isValidKey(r.key())) {
            return new Refusal(400, "Sec-WebSocket-Key must be 16 base64-encoded bytes");
        }
        if (r.version() == null) {
            return new Refusal(400, "missing Sec-WebSocket-Version header");
        }
        if (!"13".equals(r.version().trim())) {
            return new Refusal(426, "unsupported Sec-WebSocket-Version '" + r.version() + "'; this server speaks 13");
        }
        return null;
    }

    /** True when the comma-separated header {@code value} holds {@code token}, ignoring case. */
    public static boolean hasToken(String value, String token) {
        if (value == null) {
            return false;
        }
        for (String t : value.split(",")) {
            if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                return true;
            }
        }
        return false;
    }

    /** §4.1: the key is a base64 encoding of 16 random bytes. */
    public static boolean isValidKey(String key) {
        if (key == null) {
            return false;
        }
        try {
            return Base64.getDecoder().decode(key.trim()).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** §4.1: a fresh {@code Sec-WebSocket-Key}, 16 random bytes in base64, for the proxy's own handshakes. */
    public static String newKey() {
        byte[] nonce = new byte[16];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** §4.2.2: base64(SHA-1(key + GUID)), the {@code Sec-WebSocket-Accept} value. */
    public static String acceptKey(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key.trim() + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }
}
