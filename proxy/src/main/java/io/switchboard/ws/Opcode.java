package io.switchboard.ws;

/**
 * The frame opcodes of RFC 6455 §5.2 and §11.8. Opcodes 3-7 (data) and 11-15 (control) are
 * reserved; an endpoint that receives one without an extension defining it must fail the
 * connection (§5.2).
 */
public final class Opcode {
    /** §5.4: continues a fragmented message. */
    public static final int CONTINUATION = 0x0;
    /** §5.6: a UTF-8 text message (or its first fragment). */
    public static final int TEXT = 0x1;
    /** §5.6: a binary message (or its first fragment). */
    public static final int BINARY = 0x2;
    /** §5.5.1: the closing handshake. */
    public static final int CLOSE = 0x8;
    /** §5.5.2: a keep-alive or liveness probe; answered with a Pong. */
    public static final int PING = 0x9;
    /** §5.5.3: the answer to a Ping, or an unsolicited heartbeat. */
    public static final int PONG = 0xA;

    private Opcode() {
    }

    /** §5.5: control opcodes have the most significant bit of the nibble set (0x8-0xF). */
    public static boolean isControl(int opcode) {
        return (opcode & 0x8) != 0;
    }

    /** True for 0x3-0x7 and 0xB-0xF (and anything outside 0..15, which no frame can carry). */
    public static boolean isReserved(int opcode) {
        return switch (opcode) {
            case CONTINUATION, TEXT, BINARY, CLOSE, PING, PONG -> false;
            default -> true;
        };
    }

    /** A name for logs: {@code TEXT}, {@code PING}, ..., or {@code RESERVED(0x3)}. */
    public static String name(int opcode) {
        return switch (opcode) {
            case CONTINUATION -> "CONTINUATION";
            case TEXT -> "TEXT";
            case BINARY -> "BINARY";
            case CLOSE -> "CLOSE";
            case PING -> "PING";
            case PONG -> "PONG";
            default -> "RESERVED(0x" + Integer.toHexString(opcode) + ")";
        };
    }
}
