package io.switchboard.ws;

/**
 * Reads and writes RFC 6455 §5.2 frame headers, and judges them against §5.1, §5.2 and §5.5.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-------+-+-------------+-------------------------------+
 * |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
 * |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
 * |N|V|V|V|       |S|             |   (if payload len==126/127)   |
 * | |1|2|3|       |K|             |                               |
 * </pre>
 *
 * Parsing never validates (a tunnel must relay anything); {@link #violation} does that on demand.
 */
public final class FrameHeaders {
    /** The longest possible header: 2 + 8 bytes of 64-bit length + 4 bytes of mask key. */
    public static final int MAX_HEADER_LENGTH = 14;
    /** §5.5: control frames carry at most 125 payload bytes (a 7-bit length). */
    public static final int MAX_CONTROL_PAYLOAD = 125;

    private static final int LEN_16 = 126;
    private static final int LEN_64 = 127;

    private FrameHeaders() {
    }

    /**
     * Decodes the header at {@code buf[off]}.
     *
     * @return the header, or null when {@code len} bytes do not yet hold all of it
     */
    public static FrameHeader parse(byte[] buf, int off, int len) {
        if (len < 2) {
            return null;
        }
        int b0 = buf[off] & 0xFF;
        int b1 = buf[off + 1] & 0xFF;
        boolean masked = (b1 & 0x80) != 0;
        int len7 = b1 & 0x7F;
        int extended = len7 == LEN_16 ? 2 : len7 == LEN_64 ? 8 : 0;
        int headerLength = 2 + extended + (masked ? 4 : 0);
        if (len < headerLength) {
            return null;
        }
        long payloadLength = extended == 0 ? len7 : readBigEndian(buf, off + 2, extended);
        int maskKey = masked ? (int) readBigEndian(buf, off + 2 + extended, 4) : 0;
        return new FrameHeader((b0 & 0x80) != 0, (b0 >>> 4) & 0x7, b0 & 0x0F, masked, maskKey,
                payloadLength, headerLength);
    }

    /**
     * Writes a header using the shortest length form (§5.2: "the minimal number of bytes MUST be
     * used to encode the length").
     *
     * @return bytes written, {@link #headerLength}{@code (masked, payloadLength)}
     * @throws IllegalArgumentException for rsv outside 0..7, opcode outside 0..15, or a negative length
     */
    public static int encode(byte[] dst, int off, boolean fin, int rsv, int opcode, boolean masked,
                             int maskKey, long payloadLength) {
        if (rsv < 0 || rsv > 7 || opcode < 0 || opcode > 15 || payloadLength < 0) {
            throw new IllegalArgumentException("bad header: rsv=" + rsv + " opcode=" + opcode + " length=" + payloadLength);
        }
        int headerLength = headerLength(masked, payloadLength);
        if (off < 0 || off > dst.length - headerLength) {
            throw new IndexOutOfBoundsException("no room for a " + headerLength + "-byte header at " + off);
        }
        dst[off] = (byte) ((fin ? 0x80 : 0) | rsv << 4 | opcode);
        int maskBit = masked ? 0x80 : 0;
        int pos = off + 2;
        if (payloadLength <= MAX_CONTROL_PAYLOAD) {
            dst[off + 1] = (byte) (maskBit | (int) payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            dst[off + 1] = (byte) (maskBit | LEN_16);
            pos = writeBigEndian(dst, pos, payloadLength, 2);
        } else {
            dst[off + 1] = (byte) (maskBit | LEN_64);
            pos = writeBigEndian(dst, pos, payloadLength, 8);
        }
        if (masked) {
            pos = writeBigEndian(dst, pos, maskKey & 0xFFFFFFFFL, 4);
        }
        return pos - off;
    }

    /** The length of a minimally encoded header: 2, 4 or 10 bytes, plus 4 when masked. */
    public static int headerLength(boolean masked, long payloadLength) {
        int base = payloadLength <= MAX_CONTROL_PAYLOAD ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
        return masked ? base + 4 : base;
    }

    /**
     * Checks a header against the rules a receiving endpoint must enforce.
     *
     * @param expectMasked   true when reading from a client (§5.1: clients mask every frame),
     *                       false when reading from a server (servers never mask)
     * @param negotiatedRsv  the RSV bits an agreed extension defines (e.g. 4 for RSV1 of
     *                       permessage-deflate); 0 when none was negotiated
     * @return null when legal, else a short reason fit for a Close frame and a log line
     */
    public static String violation(FrameHeader h, boolean expectMasked, int negotiatedRsv) {
        if (Opcode.isReserved(h.opcode())) {
            return "reserved opcode 0x" + Integer.toHexString(h.opcode()); // §5.2
        }
        if ((h.rsv() & ~negotiatedRsv) != 0) {
            return "RSV bits " + h.rsv() + " set without a negotiated extension"; // §5.2
        }
        if (h.masked() != expectMasked) {
            return expectMasked ? "unmasked frame from client" : "masked frame from server"; // §5.1
        }
        if (h.payloadLength() < 0) {
            return "64-bit payload length with its most significant bit set"; // §5.2
        }
        if (Opcode.isControl(h.opcode())) {
            return controlViolation(h);
        }
        return null;
    }

    /** §5.5: control frames are never fragmented and carry at most 125 bytes. */
    private static String controlViolation(FrameHeader h) {
        if (!h.fin()) {
            return "fragmented " + Opcode.name(h.opcode()) + " frame";
        }
        if (h.payloadLength() > MAX_CONTROL_PAYLOAD) {
            return Opcode.name(h.opcode()) + " payload of " + h.payloadLength() + " bytes exceeds 125";
        }
        if (h.opcode() == Opcode.CLOSE && h.payloadLength() == 1) {
            return "CLOSE payload of 1 byte: a status code takes 2"; // §5.5.1
        }
        return null;
    }

    private static long readBigEndian(byte[] buf, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v = v << 8 | (buf[off + i] & 0xFF);
        }
        return v;
    }

    private static int writeBigEndian(byte[] dst, int off, long v, int n) {
        for (int i = n - 1; i >= 0; i--) {
            dst[off + n - 1 - i] = (byte) (v >>> (8 * i));
        }
        return off + n;
    }
}
