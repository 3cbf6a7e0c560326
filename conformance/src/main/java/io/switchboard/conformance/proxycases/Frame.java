package io.switchboard.conformance.proxycases;

import io.switchboard.ws.Opcode;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * One whole frame as a {@link Peer} read it off the wire (payload unmasked), or the end of the
 * stream ({@link #isEnd()}), stamped with the moment it was complete.
 *
 * @param opcode  the opcode, or -1 for the end of the stream
 * @param fin     the FIN bit
 * @param masked  whether the sender masked it (clients must, servers must not)
 * @param payload the unmasked payload
 * @param atNanos {@link System#nanoTime()} when the frame was complete
 * @param end     for the end of the stream: how it ended ("EOF", "reset: ..."); else null
 */
public record Frame(int opcode, boolean fin, boolean masked, byte[] payload, long atNanos, String end) {

    /** The end of the stream, seen now. */
    static Frame end(String how) {
        return new Frame(-1, true, false, new byte[0], System.nanoTime(), how);
    }

    /** True for the end-of-stream marker (TCP FIN or reset), not a frame. */
    public boolean isEnd() {
        return end != null;
    }

    /** True for a Close frame. */
    public boolean isClose() {
        return opcode == Opcode.CLOSE;
    }

    /** True for a text, binary or continuation frame. */
    public boolean isData() {
        return opcode == Opcode.TEXT || opcode == Opcode.BINARY || opcode == Opcode.CONTINUATION;
    }

    /** The code of a Close frame, or null (not a Close, or a Close without a code). */
    public Integer closeCode() {
        return isClose() && payload.length >= 2 ? (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF) : null;
    }

    /** The reason of a Close frame ("" when none), or null when not a Close. */
    public String closeReason() {
        if (!isClose()) {
            return null;
        }
        return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
    }

    /** The payload as UTF-8 text. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        if (isEnd()) {
            return "end of stream (" + end + ")";
        }
        String kind = switch (opcode) {
            case Opcode.CONTINUATION -> "continuation";
            case Opcode.TEXT -> "text";
            case Opcode.BINARY -> "binary";
            case Opcode.CLOSE -> "close";
            case Opcode.PING -> "ping";
            case Opcode.PONG -> "pong";
            default -> "opcode " + opcode;
        };
        String body = isClose() ? (closeCode() == null ? "no code" : closeCode() + " '" + closeReason() + "'")
                : payload.length + "B " + preview();
        return kind + (fin ? "" : " (fin=0)") + (masked ? " masked" : "") + " " + body;
    }

    private String preview() {
        boolean printable = true;
        for (byte b : payload) {
            printable &= b >= 0x20 && b < 0x7f;
        }
        String s = printable ? "'" + text() + "'" : "0x" + HexFormat.of().formatHex(payload, 0, Math.min(payload.length, 16));
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
