package io.switchboard.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FrameHeadersTest {
    private static final int KEY = 0x37FA213D; // the mask key of RFC 6455 §5.7's examples

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 125, 126, 65535, 65536, 1L << 32, Long.MAX_VALUE})
    void roundTripsEveryLengthFormMaskedAndNot(long length) {
        for (boolean masked : new boolean[] {false, true}) {
            byte[] buf = new byte[20];
            int n = FrameHeaders.encode(buf, 3, false, 5, Opcode.BINARY, masked, KEY, length);
            assertThat(n).isEqualTo(FrameHeaders.headerLength(masked, length));
            FrameHeader h = FrameHeaders.parse(buf, 3, n);
            assertThat(h).isEqualTo(new FrameHeader(false, 5, Opcode.BINARY, masked, masked ? KEY : 0, length, n));
        }
    }

    @Test
    void usesTheMinimalLengthEncoding() {
        assertThat(FrameHeaders.headerLength(false, 0)).isEqualTo(2);
        assertThat(FrameHeaders.headerLength(false, 125)).isEqualTo(2);
        assertThat(FrameHeaders.headerLength(false, 126)).isEqualTo(4);
        assertThat(FrameHeaders.headerLength(false, 65535)).isEqualTo(4);
        assertThat(FrameHeaders.headerLength(false, 65536)).isEqualTo(10);
        assertThat(FrameHeaders.headerLength(true, 65536)).isEqualTo(14);
        byte[] buf = new byte[14];
        FrameHeaders.encode(buf, 0, true, 0, Opcode.TEXT, false, 0, 126);
        assertThat(buf).startsWith(0x81, 126, 0x00, 0x7E);
        FrameHeaders.encode(buf, 0, true, 0, Opcode.TEXT, false, 0, 65536);
        assertThat(buf).startsWith(0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0);
    }

    @Test
    void parsesTheRfcExample() {
        // §5.7: a masked "Hello" from a client
        byte[] frame = bytes(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
        FrameHeader h = FrameHeaders.parse(frame, 0, frame.length);
        assertThat(h).isEqualTo(new FrameHeader(true, 0, Opcode.TEXT, true, KEY, 5, 6));
        Masking.unmask(frame, 6, 5, h.maskKey(), 0);
        assertThat(new String(frame, 6, 5, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("Hello");
    }

    @Test
    void partialHeaderGivesNullAtEveryCut() {
        for (long length : new long[] {5, 300, 70_000}) {
            for (boolean masked : new boolean[] {false, true}) {
                byte[] buf = new byte[14];
                int n = FrameHeaders.encode(buf, 0, true, 0, Opcode.BINARY, masked, KEY, length);
                for (int cut = 0; cut < n; cut++) {
                    assertThat(FrameHeaders.parse(buf, 0, cut)).as("len=%d masked=%s cut=%d", length, masked, cut).isNull();
                }
                assertThat(FrameHeaders.parse(buf, 0, n)).isNotNull();
            }
        }
    }

    @Test
    void parseKeepsAnIllegal64BitLengthVisible() {
        byte[] buf = bytes(0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1);
        FrameHeader h = FrameHeaders.parse(buf, 0, buf.length);
        assertThat(h.payloadLength()).isNegative();
        assertThat(FrameHeaders.violation(h, false, 0)).contains("most significant bit");
    }

    @Test
    void encodeRejectsImpossibleFields() {
        byte[] buf = new byte[14];
        assertThatThrownBy(() -> FrameHeaders.encode(buf, 0, true, 8, 1, false, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameHeaders.encode(buf, 0, true, 0, 16, false, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameHeaders.encode(buf, 0, true, 0, 1, false, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FrameHeaders.encode(buf, 10, true, 0, 1, true, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void legalHeadersHaveNoViolation() {
        assertThat(FrameHeaders.violation(header(true, 0, Opcode.TEXT, true, 10), true, 0)).isNull();
        assertThat(FrameHeaders.violation(header(false, 0, Opcode.BINARY, false, 1 << 20), false, 0)).isNull();
        assertThat(FrameHeaders.violation(header(false, 0, Opcode.CONTINUATION, true, 0), true, 0)).isNull();
        assertThat(FrameHeaders.violation(header(true, 0, Opcode.PING, true, 125), true, 0)).isNull();
        assertThat(FrameHeaders.violation(header(true, 0, Opcode.CLOSE, false, 0), false, 0)).isNull();
        assertThat(FrameHeaders.violation(header(true, 0, Opcode.CLOSE, false, 2), false, 0)).isNull();
        assertThat(FrameHeaders.violation(header(true, 4, Opcode.TEXT, true, 10), true, 4)).isNull();
    }

    @Test
    void violationsAreNamed() {
        assertThat(FrameHeaders.violation(header(true, 0, 3, true, 0), true, 0)).contains("reserved opcode");
        assertThat(FrameHeaders.violation(header(true, 0, 0xB, true, 0), true, 0)).contains("reserved opcode");
        assertThat(FrameHeaders.violation(header(true, 4, Opcode.TEXT, true, 0), true, 0)).contains("RSV");
        assertThat(FrameHeaders.violation(header(true, 2, Opcode.TEXT, true, 0), true, 4)).contains("RSV");
        assertThat(FrameHeaders.violation(header(true, 0, Opcode.TEXT, false, 0), true, 0)).contains("unmasked");
        assertThat(FrameHeaders.violation(header(true, 0, Opcode.TEXT, true, 0), false, 0)).contains("masked frame from server");
        assertThat(FrameHeaders.violation(header(false, 0, Opcode.PING, true, 0), true, 0)).contains("fragmented");
        assertThat(FrameHeaders.violation(header(true, 0, Opcode.PONG, true, 126), true, 0)).contains("exceeds 125");
        assertThat(FrameHeaders.violation(header(true, 0, Opcode.CLOSE, true, 1), true, 0)).contains("1 byte");
    }

    @Test
    void opcodesAreClassified() {
        assertThat(Opcode.isControl(Opcode.CLOSE)).isTrue();
        assertThat(Opcode.isControl(Opcode.PONG)).isTrue();
        assertThat(Opcode.isControl(Opcode.BINARY)).isFalse();
        for (int op = 0; op < 16; op++) {
            boolean reserved = (op >= 3 && op <= 7) || op >= 11;
            assertThat(Opcode.isReserved(op)).as("opcode %d", op).isEqualTo(reserved);
        }
        assertThat(Opcode.name(Opcode.TEXT)).isEqualTo("TEXT");
        assertThat(Opcode.name(0xB)).isEqualTo("RESERVED(0xb)");
    }

    private static FrameHeader header(boolean fin, int rsv, int opcode, boolean masked, long length) {
        return new FrameHeader(fin, rsv, opcode, masked, masked ? KEY : 0, length,
                FrameHeaders.headerLength(masked, length));
    }

    static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
