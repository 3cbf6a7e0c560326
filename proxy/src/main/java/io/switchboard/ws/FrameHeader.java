package io.switchboard.ws;

/**
 * One decoded frame header (RFC 6455 §5.2), exactly as it was on the wire: nothing is validated
 * (see {@link FrameHeaders#violation}), since a tunnel must relay whatever the peers agreed on.
 *
 * @param fin           the FIN bit: last fragment of a message
 * @param rsv           the RSV bits as 0..7: 4 = RSV1, 2 = RSV2, 1 = RSV3
 * @param opcode        0..15, see {@link Opcode}
 * @param masked        the MASK bit
 * @param maskKey       the masking key, big-endian (its first wire byte is the high byte); 0 when unmasked
 * @param payloadLength the payload length; negative if a 64-bit length had its MSB set (illegal, §5.2)
 * @param headerLength  bytes the header took on the wire: 2 to 14
 */
public record FrameHeader(boolean fin, int rsv, int opcode, boolean masked, int maskKey,
                          long payloadLength, int headerLength) {

    /** Header plus payload length; meaningless when {@link #payloadLength} is negative. */
    public long frameLength() {
        return headerLength + payloadLength;
    }

    @Override
    public String toString() {
        return "FrameHeader[" + Opcode.name(opcode) + (fin ? " fin" : "") + (rsv != 0 ? " rsv=" + rsv : "")
                + (masked ? " masked" : "") + " len=" + payloadLength + "]";
    }
}
