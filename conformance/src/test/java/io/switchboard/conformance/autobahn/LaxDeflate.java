package io.switchboard.conformance.autobahn;

import io.switchboard.conformance.PmdBytes;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Opcode;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.DataFormatException;

/**
 * What {@link LaxBackend} does about permessage-deflate (RFC 7692), to prove the compression cases
 * (12.x, 13.x) can fail. Compression goes through {@link PmdBytes} (the JDK's zlib directly), not
 * through the codec the fuzzer uses, so the fuzzer is not checked against itself.
 */
enum LaxDeflate {
    /** Never accepts it: the lax server as it always was (compression cases are UNIMPLEMENTED). */
    OFF,
    /** Accepts it and echoes each compressed payload as it came, RSV1 included: a correct echo. */
    REFLECT,
    /** Accepts it, but changes one byte of each message before compressing it again. */
    ALTER,
    /** Accepts it, but echoes the inflated bytes with RSV1 still set: they do not inflate as sent. */
    PLAIN_WITH_RSV1,
    /** Accepts it and echoes in two frames, both with RSV1 (§6.1: only the first may carry it). */
    RSV1_ON_CONTINUATION,
    /** Answers with a parameter nobody offered, which the client must fail the connection for (§7.1). */
    BAD_ANSWER;

    /** The value this server answers with (every offer accepted as is), or null for none. */
    String answer(String requestHead) {
        if (this == OFF || !requestHead.toLowerCase(Locale.ROOT).contains("permessage-deflate")) {
            return null;
        }
        // each side resets its context per message, so every echo inflates by itself
        return this == BAD_ANSWER ? "permessage-deflate; mystery_parameter"
                : "permessage-deflate; client_no_context_takeover; server_no_context_takeover";
    }

    /**
     * The frames echoing one whole message.
     *
     * @param compressed whether it came with RSV1 (only possible once {@link #answer} accepted)
     * @param payload    its payload as received: compressed when {@code compressed}
     */
    byte[] echo(int opcode, boolean compressed, byte[] payload) throws DataFormatException {
        if (!compressed) {
            return frame(true, 0, opcode, payload);
        }
        return switch (this) {
            case ALTER -> frame(true, 4, opcode, PmdBytes.deflate(alter(PmdBytes.inflate(payload))));
            case PLAIN_WITH_RSV1 -> frame(true, 4, opcode, PmdBytes.inflate(payload));
            case RSV1_ON_CONTINUATION -> {
                int half = payload.length / 2;
                ByteArrayOutputStream two = new ByteArrayOutputStream();
                two.writeBytes(frame(false, 4, opcode, Arrays.copyOfRange(payload, 0, half)));
                two.writeBytes(frame(true, 4, Opcode.CONTINUATION, Arrays.copyOfRange(payload, half, payload.length)));
                yield two.toByteArray();
            }
            default -> frame(true, 4, opcode, payload);
        };
    }

    /** Flips the low bit of the first ASCII byte (text stays valid UTF-8), else of the first byte. */
    private static byte[] alter(byte[] message) {
        if (message.length > 0) {
            int i = 0;
            while (i < message.length - 1 && message[i] < 0) {
                i++;
            }
            message[i] ^= 1;
        }
        return message;
    }

    /** An unmasked server frame. */
    static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload) {
        int hl = FrameHeaders.headerLength(false, payload.length);
        byte[] f = new byte[hl + payload.length];
        FrameHeaders.encode(f, 0, fin, rsv, opcode, false, 0, payload.length);
        System.arraycopy(payload, 0, f, hl, payload.length);
        return f;
    }
}
