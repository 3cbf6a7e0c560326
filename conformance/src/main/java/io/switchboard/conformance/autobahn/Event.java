package io.switchboard.conformance.autobahn;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * One thing the fuzzer observed from the peer, in arrival order: a whole message (fragments
 * joined), a ping, a pong, or a pseudo-event marking that a tagged delay expired while the
 * connection was still open (the fail-fast technique of 6.4.x).
 *
 * <p>Equality is exact: same kind, same binary flag, same payload bytes (or tag). A case's
 * {@code behavior} is the outcome whose expected list equals the received list element by element.
 *
 * @param kind    what was observed
 * @param binary  for {@link Kind#MESSAGE} only: true for a binary message, false for text
 * @param payload the payload bytes (for {@link Kind#TIMEOUT}, the tag in UTF-8); never null
 */
public record Event(Kind kind, boolean binary, byte[] payload) {
    /** The event kinds. */
    public enum Kind { MESSAGE, PING, PONG, TIMEOUT }

    /** How many payload characters a report shows before cutting with " ...". */
    public static final int REPORT_PREVIEW = 64;

    public Event {
        payload = payload == null ? new byte[0] : payload;
    }

    /** A text (binary=false) or binary message. */
    public static Event message(boolean binary, byte[] payload) {
        return new Event(Kind.MESSAGE, binary, payload);
    }

    /** A tagged delay that expired while the connection was open. */
    public static Event timeout(String tag) {
        return new Event(Kind.TIMEOUT, false, tag.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Event e && e.kind == kind && e.binary == binary && Arrays.equals(e.payload, payload);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + Arrays.hashCode(payload) + (binary ? 1 : 0);
    }

    /** The report name of the kind: message, ping, pong, timeout. */
    public String kindName() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * A short rendering of the payload for reports: printable ASCII/UTF-8 text as is, anything else
     * as {@code 0x} hex; cut to {@value #REPORT_PREVIEW} characters plus " ...".
     */
    public String preview() {
        String s = isPrintableUtf8(payload) ? new String(payload, StandardCharsets.UTF_8)
                : "0x" + HexFormat.of().formatHex(payload, 0, Math.min(payload.length, REPORT_PREVIEW));
        return s.length() > REPORT_PREVIEW ? s.substring(0, REPORT_PREVIEW) + " ..." : s;
    }

    private static boolean isPrintableUtf8(byte[] b) {
        if (!io.switchboard.ws.Utf8Validator.isValid(b, 0, b.length)) {
            return false;
        }
        for (byte x : b) {
            if (x >= 0 && x < 0x20) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case MESSAGE -> (binary ? "binary(" : "text(") + payload.length + "B: " + preview() + ")";
            case PING, PONG, TIMEOUT -> kindName() + "(" + preview() + ")";
        };
    }
}
