package io.switchboard.ws;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The body of a Close frame (RFC 6455 §5.5.1): empty, or a 2-byte big-endian status code
 * followed by a UTF-8 reason.
 *
 * <p>An empty payload is represented as code {@link CloseCodes#NO_STATUS} (§7.1.5) with an empty
 * reason. {@link #parse} does not judge the code: callers check {@link CloseCodes#isValidOnWire}.
 *
 * @param code   0..65535, or {@link CloseCodes#NO_STATUS} for "no code"
 * @param reason never null (null becomes "")
 */
public record ClosePayload(int code, String reason) {
    /** §5.5: 125 bytes of control payload, 2 of them the code. */
    public static final int MAX_REASON_BYTES = FrameHeaders.MAX_CONTROL_PAYLOAD - 2;

    /** @throws IllegalArgumentException for a code outside 0..65535 */
    public ClosePayload {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("close code must fit in 16 bits; got " + code);
        }
        reason = Objects.requireNonNullElse(reason, "");
    }

    /** A payload with a code and no reason. */
    public ClosePayload(int code) {
        this(code, "");
    }

    /**
     * Decodes an (already unmasked) Close payload.
     *
     * @throws IllegalArgumentException for a 1-byte payload (§5.5.1: a body starts with a 2-byte
     *                                  code) or a reason that is not valid UTF-8 (§5.5.1, §8.1)
     */
    public static ClosePayload parse(byte[] unmaskedPayload, int off, int len) {
        if (len == 0) {
            return new ClosePayload(CloseCodes.NO_STATUS, "");
        }
        if (len == 1) {
            throw new IllegalArgumentException("a 1-byte Close payload cannot hold a status code");
        }
        int code = (unmaskedPayload[off] & 0xFF) << 8 | (unmaskedPayload[off + 1] & 0xFF);
        if (!Utf8Validator.isValid(unmaskedPayload, off + 2, len - 2)) {
            throw new IllegalArgumentException("Close reason is not valid UTF-8");
        }
        return new ClosePayload(code, new String(unmaskedPayload, off + 2, len - 2, StandardCharsets.UTF_8));
    }

    /**
     * Encodes the payload: empty for {@link CloseCodes#NO_STATUS} (that code must not be sent,
     * and a reason cannot be sent without a code), otherwise the code and the reason cut to
     * {@value #MAX_REASON_BYTES} UTF-8 bytes at a character boundary so the frame stays a legal
     * control frame.
     */
    public byte[] encode() {
        if (code == CloseCodes.NO_STATUS) {
            return new byte[0];
        }
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        int n = truncatedLength(utf8, MAX_REASON_BYTES);
        byte[] out = new byte[2 + n];
        out[0] = (byte) (code >>> 8);
        out[1] = (byte) code;
        System.arraycopy(utf8, 0, out, 2, n);
        return out;
    }

    /** The longest prefix of at most {@code max} bytes that does not split a character. */
    private static int truncatedLength(byte[] utf8, int max) {
        if (utf8.length <= max) {
            return utf8.length;
        }
        int n = max;
        while (n > 0 && (utf8[n] & 0xC0) == 0x80) {
            n--; // utf8[n] continues the character that starts before it: cut before that start
        }
        return n;
    }

    @Override
    public String toString() {
        return "ClosePayload[" + CloseCodes.describe(code) + (reason.isEmpty() ? "" : ", '" + reason + "'") + "]";
    }
}
