package io.switchboard.ws;

import java.util.Objects;

/**
 * Builds whole control frames (RFC 6455 §5.5) for the proxy to inject between frames: Close on
 * shutdown or upstream failure, Ping for liveness, Pong in answer.
 */
public final class Frames {
    private Frames() {
    }

    /**
     * One complete control frame, FIN set (§5.5: control frames are never fragmented).
     *
     * @param payload at most 125 bytes; null means empty
     * @param mask    true towards a server (§5.1: a client masks every frame, with a fresh key,
     *                §5.3); false towards a client
     * @throws IllegalArgumentException for a non-control opcode or a payload over 125 bytes
     */
    public static byte[] control(int opcode, byte[] payload, boolean mask) {
        byte[] body = Objects.requireNonNullElse(payload, new byte[0]);
        if (!Opcode.isControl(opcode) || Opcode.isReserved(opcode)) {
            throw new IllegalArgumentException("not a control opcode: " + Opcode.name(opcode));
        }
        if (body.length > FrameHeaders.MAX_CONTROL_PAYLOAD) {
            throw new IllegalArgumentException("control payload of " + body.length + " bytes exceeds 125");
        }
        int key = mask ? Masking.newMaskKey() : 0;
        byte[] frame = new byte[FrameHeaders.headerLength(mask, body.length) + body.length];
        int header = FrameHeaders.encode(frame, 0, true, 0, opcode, mask, key, body.length);
        System.arraycopy(body, 0, frame, header, body.length);
        if (mask) {
            Masking.mask(frame, header, body.length, key, 0);
        }
        return frame;
    }

    /**
     * A Close frame with {@code code} and {@code reason} (cut to fit, see {@link ClosePayload#encode});
     * {@link CloseCodes#NO_STATUS} gives an empty payload.
     */
    public static byte[] close(int code, String reason, boolean mask) {
        return control(Opcode.CLOSE, new ClosePayload(code, reason).encode(), mask);
    }
}
