package io.switchboard.ws;

import static io.switchboard.ws.FrameHeadersTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** Close codes, Close payloads and the control frames built from them. */
class CloseTest {

    @Test
    void wireValidityFollowsRfc6455And7_4() {
        int[] valid = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999};
        int[] invalid = {0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535, -1};
        for (int code : valid) {
            assertThat(CloseCodes.isValidOnWire(code)).as("%d", code).isTrue();
        }
        for (int code : invalid) {
            assertThat(CloseCodes.isValidOnWire(code)).as("%d", code).isFalse();
        }
    }

    @Test
    void describesCodes() {
        assertThat(CloseCodes.describe(CloseCodes.GOING_AWAY)).isEqualTo("1001 going away");
        assertThat(CloseCodes.describe(4001)).isEqualTo("4001 private use");
        assertThat(CloseCodes.describe(2000)).isEqualTo("2000 unassigned");
    }

    @Test
    void parsesCodeAndReason() {
        byte[] payload = bytes(0, 0x03, 0xE8, 'b', 'y', 'e', 0);
        assertThat(ClosePayload.parse(payload, 1, 5)).isEqualTo(new ClosePayload(1000, "bye"));
        assertThat(ClosePayload.parse(payload, 0, 0)).isEqualTo(new ClosePayload(CloseCodes.NO_STATUS, ""));
        assertThat(ClosePayload.parse(bytes(0x0F, 0xA0), 0, 2)).isEqualTo(new ClosePayload(4000, ""));
    }

    @Test
    void rejectsAOneBytePayloadAndInvalidUtf8() {
        assertThatThrownBy(() -> ClosePayload.parse(bytes(0x03), 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClosePayload.parse(bytes(0x03, 0xE8, 0xC0, 0xAF), 0, 4))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClosePayload.parse(bytes(0x03, 0xE8, 0xE2, 0x82), 0, 4)) // truncated €
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void encodesAndRoundTrips() {
        ClosePayload p = new ClosePayload(CloseCodes.BAD_GATEWAY, "upstream gone ✓");
        byte[] encoded = p.encode();
        assertThat(encoded).startsWith(bytes(0x03, 0xF6));
        assertThat(ClosePayload.parse(encoded, 0, encoded.length)).isEqualTo(p);
        assertThat(new ClosePayload(CloseCodes.NO_STATUS, "dropped").encode()).isEmpty();
        assertThat(new ClosePayload(1000, null).reason()).isEmpty();
    }

    @Test
    void truncatesTheReasonAtACharacterBoundary() {
        String ascii = "x".repeat(200);
        assertThat(new ClosePayload(1000, ascii).encode()).hasSize(125);
        // 122 ASCII bytes then a 3-byte '€': the '€' would end at byte 125 of the reason; drop it whole
        String split = "x".repeat(122) + "€€";
        byte[] encoded = new ClosePayload(1000, split).encode();
        assertThat(encoded).hasSize(2 + 122);
        assertThat(ClosePayload.parse(encoded, 0, encoded.length).reason()).isEqualTo("x".repeat(122));
        // 4-byte characters only: 30 fit in 120 bytes, the 31st would need 124
        String emoji = "😀".repeat(40);
        byte[] e = new ClosePayload(1000, emoji).encode();
        assertThat(e).hasSize(2 + 120);
        assertThat(ClosePayload.parse(e, 0, e.length).reason()).isEqualTo("😀".repeat(30));
    }

    @Test
    void buildsUnmaskedControlFrames() {
        byte[] ping = Frames.control(Opcode.PING, "hi".getBytes(StandardCharsets.US_ASCII), false);
        assertThat(ping).containsExactly(bytes(0x89, 2, 'h', 'i'));
        assertThat(Frames.control(Opcode.PONG, null, false)).containsExactly(bytes(0x8A, 0));
        byte[] close = Frames.close(CloseCodes.GOING_AWAY, "bye", false);
        assertThat(close).containsExactly(bytes(0x88, 5, 0x03, 0xE9, 'b', 'y', 'e'));
    }

    @Test
    void buildsMaskedControlFramesWithFreshKeys() {
        byte[] a = Frames.close(CloseCodes.NORMAL, "done", true);
        byte[] b = Frames.close(CloseCodes.NORMAL, "done", true);
        FrameHeader h = FrameHeaders.parse(a, 0, a.length);
        assertThat(h.fin()).isTrue();
        assertThat(h.masked()).isTrue();
        assertThat(h.opcode()).isEqualTo(Opcode.CLOSE);
        assertThat(FrameHeaders.violation(h, true, 0)).isNull();
        byte[] payload = Arrays.copyOfRange(a, h.headerLength(), a.length);
        Masking.unmask(payload, 0, payload.length, h.maskKey(), 0);
        assertThat(ClosePayload.parse(payload, 0, payload.length)).isEqualTo(new ClosePayload(1000, "done"));
        assertThat(FrameHeaders.parse(b, 0, b.length).maskKey()).isNotEqualTo(h.maskKey());
    }

    @Test
    void refusesDataOpcodesAndLongPayloads() {
        assertThatThrownBy(() -> Frames.control(Opcode.TEXT, new byte[0], false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.control(0xB, new byte[0], false)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Frames.control(Opcode.PING, new byte[126], false)).isInstanceOf(IllegalArgumentException.class);
    }
}
