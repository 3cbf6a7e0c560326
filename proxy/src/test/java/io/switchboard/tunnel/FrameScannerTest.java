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

    /** Rebuilds the output the way a relay would, and remembers where frames ended and what was held. */
    private static class Recorder implements FrameScanner.Sink {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Integer> frameEnds = new ArrayList<>();
        final List<String> controls = new ArrayList<>();
        boolean midFrame;

        @Override
        public void data(byte[] b, int off, int len, boolean endsFrame) {
            out.write(b, off, len);
            midFrame = !endsFrame;
            if (endsFrame) {
                frameEnds.add(out.size());
            }
        }

        @Override
        public void passedClose() {
            controls.add("passed close");
        }

        @Override
        public void control(int opcode, byte[] frame, byte[] payload) {
            assertThat(midFrame).as("control frames come between data frames only").isFalse();
            out.writeBytes(frame);
            frameEnds.add(out.size());
            controls.add(opcode == Opcode.CLOSE
                    ? "close " + ClosePayload.parse(payload, 0, payload.length)
                    : Opcode.name(opcode) + " " + new String(payload, StandardCharsets.UTF_8));
        }
    }

    private static Recorder scanInPieces(byte[] stream, int piece) {
        FrameScanner scanner = new FrameScanner();
        Recorder r = new Recorder();
        for (int start = 0; start < stream.length; start += piece) {
            scanner.feed(stream, start, Math.min(piece, stream.length - start), r);
        }
        assertThat(scanner.bytes()).isEqualTo(stream.length);
        assertThat(scanner.frames()).isEqualTo(5);
        return r;
    }

    @Test
    void relaysEveryByteInOrderAndFindsTheSameFramesHoweverTheStreamIsCut() {
        byte[] stream = stream();
        Recorder whole = scanInPieces(stream, stream.length);
        assertThat(whole.out.toByteArray()).isEqualTo(stream);
        assertThat(whole.frameEnds).last().isEqualTo(stream.length);
        assertThat(whole.midFrame).isFalse();
        assertThat(whole.controls).hasSize(2);
        assertThat(whole.controls.get(0)).isEqualTo("PING hi");
        assertThat(whole.controls.get(1)).contains("4001").contains("bye");
        for (int piece : new int[] {1, 2, 3, 7, 13, 14, 100, 8192}) {
            Recorder r = scanInPieces(stream, piece);
            assertThat(r.out.toByteArray()).as("piece %d", piece).isEqualTo(stream);
            assertThat(r.midFrame).as("piece %d", piece).isFalse();
            assertThat(r.controls).as("piece %d", piece).isEqualTo(whole.controls);
        }
    }

    @Test
    void emitsNothingOfAFrameWhoseHeaderIsIncomplete() {
        byte[] f = frame(true, Opcode.BINARY, 300, true); // 2 + 2 + 4 header bytes
        Recorder r = new Recorder();
        FrameScanner scanner = new FrameScanner();
        scanner.feed(f, 0, 5, r);
        assertThat(r.out.size()).isZero();
        assertThat(r.midFrame).isFalse();
        scanner.feed(f, 5, 10, r);
        assertThat(r.out.size()).isEqualTo(15);
        assertThat(r.midFrame).isTrue();
        scanner.feed(f, 15, f.length - 15, r);
        assertThat(r.out.toByteArray()).isEqualTo(f);
        assertThat(r.midFrame).isFalse();
    }

    @Test
    void refusesOversizeFramesAndMessagesBeforeTheirPayload() {
        Recorder r = new Recorder();
        byte[] big = frame(true, Opcode.BINARY, 2000, true);
        assertThatThrownBy(() -> new FrameScanner(1000, 0).feed(big, 0, big.length, r))
                .isInstanceOf(FrameScanner.TooBigException.class);
        assertThat(r.out.size()).isZero();
        FrameScanner messages = new FrameScanner(0, 1500);
        byte[] first = frame(false, Opcode.TEXT, 1000, true);
        messages.feed(first, 0, first.length, r);
        byte[] second = frame(true, Opcode.CONTINUATION, 1000, true);
        assertThatThrownBy(() -> messages.feed(second, 0, second.length, r))
                .isInstanceOf(FrameScanner.TooBigException.class);
    }

    @Test
    void oneReadOfSeveralDataFramesIsOneRun() {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            s.writeBytes(frame(true, Opcode.TEXT, 10, true));
        }
        byte[] three = s.toByteArray();
        List<Integer> calls = new ArrayList<>();
        new FrameScanner().feed(three, 0, three.length, new Recorder() {
            @Override
            public void data(byte[] b, int off, int len, boolean endsFrame) {
                calls.add(len);
                assertThat(endsFrame).isTrue();
            }
        });
        assertThat(calls).containsExactly(three.length);
    }

    @Test
    void anOversizeCloseIsPassedThroughAndReported() {
        byte[] bigClose = frame(true, Opcode.CLOSE, 126, true);
        Recorder r = new Recorder();
        new FrameScanner().feed(bigClose, 0, bigClose.length, r);
        assertThat(r.out.toByteArray()).isEqualTo(bigClose);
        assertThat(r.controls).containsExactly("passed close");
    }

    @Test
    void anOversizeControlFrameIsHeldToMaxFrameSizeToo() {
        // a 1 MiB Ping is illegal (§5.5) and passed on as it is, but not past the configured frame limit
        byte[] bigPing = {(byte) 0x89, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 0x10, 0, 0, 1, 2, 3, 4};
        assertThatThrownBy(() -> new FrameScanner(64 * 1024, 0).feed(bigPing, 0, bigPing.length, new Recorder()))
                .isInstanceOf(FrameScanner.TooBigException.class);
    }

    @Test
    void rejectsALengthWithTheTopBitSet() {
        byte[] bad = {(byte) 0x82, 127, (byte) 0x80, 0, 0, 0, 0, 0, 0, 1};
        assertThatThrownBy(() -> new FrameScanner().feed(bad, 0, bad.length, new Recorder()))
                .isInstanceOf(FrameScanner.MalformedFrameException.class);
    }
}
