package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.switchboard.ws.ClosePayload;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Frames;
import io.switchboard.ws.Opcode;
import org.junit.jupiter.api.Test;

class FrameScannerTest {

    private static byte[] frame(boolean fin, int opcode, int payloadLength, boolean masked) {
        byte[] f = new byte[FrameHeaders.headerLength(masked, payloadLength) + payloadLength];
        int h = FrameHeaders.encode(f, 0, fin, 0, opcode, masked, 0x01020304, payloadLength);
        for (int i = h; i < f.length; i++) {
            f[i] = (byte) i;
        }
        return f;
    }

    private static byte[] stream() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(frame(false, Opcode.TEXT, 3, true));
        s.writeBytes(Frames.control(Opcode.PING, "hi".getBytes(StandardCharsets.UTF_8), true));
        s.writeBytes(frame(true, Opcode.CONTINUATION, 0, true));
        s.writeBytes(frame(true, Opcode.BINARY, 70_000, false));
        s.writeBytes(Frames.close(4001, "bye", true));
        return s.toByteArray();
    }

    /** Feeds the stream in pieces of {@code piece} bytes; returns the offsets where frames ended. */
    private static List<Integer> boundaries(byte[] stream, int piece, List<ClosePayload> closes) {
        FrameScanner scanner = new FrameScanner();
        List<Integer> ends = new ArrayList<>();
        int consumedTotal = 0;
        for (int start = 0; start < stream.length; start += piece) {
            int len = Math.min(piece, stream.length - start);
            int off = start;
            while (off < start + len) {
                int n = scanner.advance(stream, off, start + len - off);
                assertThat(n).isPositive();
                off += n;
                consumedTotal += n;
                if (scanner.completedOpcode() >= 0) {
                    assertThat(scanner.atBoundary()).isTrue();
                    ends.add(consumedTotal);
                }
                if (scanner.completedClose() != null) {
                    closes.add(scanner.completedClose());
                }
            }
        }
        assertThat(scanner.bytes()).isEqualTo(stream.length);
        assertThat(scanner.frames()).isEqualTo(5);
        return ends;
    }

    @Test
    void findsTheSameBoundariesHoweverTheStreamIsCut() {
        byte[] stream = stream();
        List<ClosePayload> closes = new ArrayList<>();
        List<Integer> whole = boundaries(stream, stream.length, closes);
        assertThat(whole).hasSize(5).last().isEqualTo(stream.length);
        for (int piece : new int[] {1, 2, 3, 7, 13, 14, 100, 8192}) {
            assertThat(boundaries(stream, piece, closes)).as("piece %d", piece).isEqualTo(whole);
        }
        // the masked Close is unmasked for reading, code and reason intact, every time
        assertThat(closes).hasSize(9).allSatisfy(c -> {
            assertThat(c.code()).isEqualTo(4001);
            assertThat(c.reason()).isEqualTo("bye");
        });
    }

    @Test
    void isInsideAFrameUntilItsLastByte() {
        byte[] f = frame(true, Opcode.TEXT, 10, false);
        FrameScanner scanner = new FrameScanner();
        assertThat(scanner.advance(f, 0, 5)).isEqualTo(5);
        assertThat(scanner.atBoundary()).isFalse();
        assertThat(scanner.completedOpcode()).isEqualTo(-1);
        assertThat(scanner.advance(f, 5, f.length - 5)).isEqualTo(f.length - 5);
        assertThat(scanner.atBoundary()).isTrue();
        assertThat(scanner.completedOpcode()).isEqualTo(Opcode.TEXT);
    }

    @Test
    void rejectsALengthWithTheTopBitSet() {
        byte[] bad = {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1};
        assertThatThrownBy(() -> new FrameScanner().advance(bad, 0, bad.length))
                .isInstanceOf(FrameScanner.MalformedFrameException.class);
    }
}
