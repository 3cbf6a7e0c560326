package io.switchboard.ws;

/**
 * Close status codes of RFC 6455 §7.4.1 and the IANA registry (§11.7), and which of them may
 * appear in a Close frame.
 *
 * <p>1005, 1006 and 1015 are reserved for reporting a closure locally (no code, no Close frame,
 * TLS failure) and must never be sent (§7.4.1); 1004 is reserved without a meaning. Codes
 * 3000-3999 are registered by libraries and frameworks, 4000-4999 are private use (§7.4.2).
 */
public final class CloseCodes {
    /** The purpose of the connection was fulfilled. */
    public static final int NORMAL = 1000;
    /** An endpoint is going away: server shutdown, page navigated away. */
    public static final int GOING_AWAY = 1001;
    /** A protocol error. */
    public static final int PROTOCOL_ERROR = 1002;
    /** A data type the endpoint cannot accept (e.g. binary to a text-only endpoint). */
    public static final int UNSUPPORTED_DATA = 1003;
    /** Local only: the Close frame carried no status code. */
    public static final int NO_STATUS = 1005;
    /** Local only: the connection closed without a Close frame. */
    public static final int ABNORMAL = 1006;
    /** Data inconsistent with the message type, such as invalid UTF-8 in a text message. */
    public static final int INVALID_PAYLOAD = 1007;
    /** A message violated the endpoint's policy. */
    public static final int POLICY = 1008;
    /** A message too big to process. */
    public static final int TOO_BIG = 1009;
    /** Client only: the server did not negotiate a required extension. */
    public static final int MANDATORY_EXTENSION = 1010;
    /** The server met an unexpected condition. */
    public static final int INTERNAL_ERROR = 1011;
    /** The service is restarting (IANA registry). */
    public static final int SERVICE_RESTART = 1012;
    /** Temporary overload; try again later (IANA registry). */
    public static final int TRY_AGAIN_LATER = 1013;
    /** A gateway or proxy got an invalid response from upstream (IANA registry). */
    public static final int BAD_GATEWAY = 1014;
    /** Local only: the TLS handshake failed. */
    public static final int TLS_HANDSHAKE = 1015;

    private CloseCodes() {
    }

    /**
     * True when {@code code} may be carried by a Close frame: 1000-1003, 1007-1014, 3000-4999.
     * A received Close with any other code is a protocol error (§7.4.1, as Autobahn tests it).
     */
    public static boolean isValidOnWire(int code) {
        return code >= NORMAL && code <= UNSUPPORTED_DATA
                || code >= INVALID_PAYLOAD && code <= BAD_GATEWAY
                || code >= 3000 && code <= 4999;
    }

    /** A short description for logs, e.g. {@code "1001 going away"}. */
    public static String describe(int code) {
        return code + " " + meaning(code);
    }

    private static String meaning(int code) {
        return switch (code) {
            case NORMAL -> "normal closure";
            case GOING_AWAY -> "going away";
            case PROTOCOL_ERROR -> "protocol error";
            case UNSUPPORTED_DATA -> "unsupported data";
            case 1004 -> "reserved";
            case NO_STATUS -> "no status received";
            case ABNORMAL -> "abnormal closure";
            case INVALID_PAYLOAD -> "invalid frame payload data";
            case POLICY -> "policy violation";
            case TOO_BIG -> "message too big";
            case MANDATORY_EXTENSION -> "mandatory extension";
            case INTERNAL_ERROR -> "internal error";
            case SERVICE_RESTART -> "service restart";
            case TRY_AGAIN_LATER -> "try again later";
            case BAD_GATEWAY -> "bad gateway";
            case TLS_HANDSHAKE -> "TLS handshake failure";
            default -> code >= 3000 && code <= 3999 ? "registered (library/framework)"
                    : code >= 4000 && code <= 4999 ? "private use" : "unassigned";
        };
    }
}
