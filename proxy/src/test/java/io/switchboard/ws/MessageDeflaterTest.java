package io.switchboard.ws;

import static io.switchboard.ws.DeflateTestSupport.UNEVEN;
import static io.switchboard.ws.DeflateTestSupport.compressible;
import static io.switchboard.ws.DeflateTestSupport.deflate;
import static io.switchboard.ws.DeflateTestSupport.inflate;
import static io.switchboard.ws.DeflateTestSupport.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.ws.DeflateTestSupport.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link MessageDeflater} against {@link MessageInflater}, both on the JDK's zlib. */
class MessageDeflaterTest {
    private static final int[] SIZES = {0, 1, 100, 8191, 8192, 8193, 100_000, 1 << 20};
    private static final DeflateParams TAKEOVER = new DeflateParams(false, false, 15);
    private static final DeflateParams NO_TAKEOVER = new DeflateParams(true, true, 15);

    static List<Arguments> sizesKindsAndModes() {
        List<Arguments> a = new ArrayList<>();
        for (int size : SIZES) {
            for (boolean random : new boolean[] {false, true}) {
                for (boolean takeover : new boolean[] {false, true}) {
                    a.add(Arguments.of(size, random, takeover));
                }
            }
        }
        return a;
    }

    private static byte[] data(int size, boolean random, long seed) {
        return random ? random(size, seed) : compressible(size, seed);
    }

    @ParameterizedTest(name = "size={0} random={1} takeover={2}")
    @MethodSource("sizesKindsAndModes")
    void roundTripsInUnevenChunksAcrossSeveralMessages(int size, boolean random, boolean takeover) throws DataFormatException {
        DeflateParams p = takeover ? TAKEOVER : NO_TAKEOVER;
        MessageDeflater d = new MessageDeflater(p, 6, 0);
        MessageInflater inf = new MessageInflater(p);
        try {
            for (int m = 0; m < 3; m++) {
                byte[] msg = data(size, random, 31L * size + m);
                assertThat(d.begin(m == 1 ? -1 : size)).isTrue(); // length known or not
                byte[] z = deflate(d, msg, UNEVEN, 0);
                int feedChunk = m == 2 ? 1 + size % 997 : 4096;
                assertThat(inflate(inf, z, feedChunk)).as("message %d", m).isEqualTo(msg);
                if (!random && size >= 8192) {
                    assertThat(z.length).as("compressible data shrinks").isLessThan(size / 3);
                }
            }
        } finally {
            d.release();
            inf.release();
        }
    }

    @ParameterizedTest(name = "size={0} random={1} takeover={2}")
    @MethodSource("sizesKindsAndModes")
    void flushInTheMiddleKeepsTheStreamValid(int size, boolean random, boolean takeover) throws DataFormatException {
        DeflateParams p = takeover ? TAKEOVER : NO_TAKEOVER;
        MessageDeflater d = new MessageDeflater(p, 6, 0);
        MessageInflater inf = new MessageInflater(p);
        for (int m = 0; m < 2; m++) {
            byte[] msg = data(size, random, size + 7L * m);
            assertThat(d.begin(size)).isTrue();
            byte[] z = deflate(d, msg, UNEVEN, 2 + m); // a sync flush every 2 or 3 writes
            assertThat(inflate(inf, z, 777)).isEqualTo(msg);
        }
        d.release();
        inf.release();
    }

    @Test
    void flushBeforeAnyWriteAndFlushTwiceAreHarmless() throws DataFormatException {
        MessageDeflater d = new MessageDeflater(TAKEOVER, 6, 0);
        MessageInflater inf = new MessageInflater(TAKEOVER);
        byte[] msg = compressible(5000, 1);
        Collector c = new Collector();
        assertThat(d.begin(-1)).isTrue();
        assertThat(d.flush(c)).isTrue();
        assertThat(d.write(msg, 0, 2000, c)).isTrue();
        assertThat(d.flush(c)).isTrue();
        assertThat(d.flush(c)).isTrue();
        assertThat(d.write(msg, 2000, 3000, c)).isTrue();
        assertThat(d.flush(c)).isTrue();
        assertThat(d.finish(c)).isTrue();
        byte[] z = c.take();
        assertThat(DeflateTestSupport.endsWithTail(z)).isFalse();
        assertThat(inflate(inf, z)).isEqualTo(msg);
    }

    @Test
    void withTakeoverARepeatedMessageCompressesMuchSmaller() throws DataFormatException {
        MessageDeflater d = new MessageDeflater(TAKEOVER, 6, 0);
        MessageInflater inf = new MessageInflater(TAKEOVER);
        byte[] msg = random(4000, 99); // incompressible on its own, trivial with the previous message as history
        byte[] first = deflate(d, msg);
        byte[] second = deflate(d, msg);
        assertThat(first.length).isGreaterThan(3900);
        assertThat(second.length).isLessThan(first.length / 20);
        assertThat(inflate(inf, first)).isEqualTo(msg);
        assertThat(inflate(inf, second)).isEqualTo(msg);
        d.release();
        inf.release();
    }

    @Test
    void withoutTakeoverEveryMessageStartsAfresh() throws DataFormatException {
        MessageDeflater d = new MessageDeflater(NO_TAKEOVER, 6, 0);
        byte[] msg = random(4000, 99);
        byte[] first = deflate(d, msg);
        byte[] second = deflate(d, msg);
        assertThat(second).isEqualTo(first);
        // a fresh inflater per message decodes each (the peer kept no window)
        assertThat(inflate(new MessageInflater(NO_TAKEOVER), second)).isEqualTo(msg);
    }

    @Test
    void ownNoContextTakeoverAloneResetsTheCompressor() throws DataFormatException {
        DeflateParams p = new DeflateParams(true, false, 15);
        MessageDeflater d = new MessageDeflater(p, 6, 0);
        byte[] msg = compressible(3000, 5);
        assertThat(deflate(d, msg)).isEqualTo(deflate(d, msg));
    }

    @Test
    void emptyMessageIsTheSingleByteOfRfc7692Section7_2_3_6() throws DataFormatException {
        for (DeflateParams p : List.of(TAKEOVER, NO_TAKEOVER)) {
            MessageDeflater d = new MessageDeflater(p, 6, 0);
            MessageInflater inf = new MessageInflater(p);
            for (int m = 0; m < 3; m++) {
                byte[] z = deflate(d, new byte[0]);
                assertThat(z).as("empty message, takeover=%s", !p.ownNoContextTakeover()).containsExactly(0x00);
                assertThat(inflate(inf, z)).isEmpty();
            }
            // and a non-empty message after empty ones still decodes
            byte[] msg = compressible(500, 3);
            assertThat(inflate(inf, deflate(d, msg))).isEqualTo(msg);
            d.release();
            inf.release();
        }
    }

    @Test
    void emptyMessageAfterAnotherWithContextTakeover() throws DataFormatException {
        MessageDeflater d = new MessageDeflater(TAKEOVER, 6, 0);
        MessageInflater inf = new MessageInflater(TAKEOVER);
        byte[] hello = "Hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(inflate(inf, deflate(d, hello))).isEqualTo(hello);
        byte[] empty = deflate(d, new byte[0]);
        assertThat(inflate(inf, empty)).isEmpty();
        assertThat(inflate(inf, deflate(d, hello))).isEqualTo(hello);
        d.release();
        inf.release();
    }

    @Test
    void messageWithOnlyEmptyWritesAndFlushesAfterAnotherWithContextTakeover() throws DataFormatException {
        MessageDeflater d = new MessageDeflater(TAKEOVER, 6, 0);
        MessageInflater inf = new MessageInflater(TAKEOVER);
        byte[] msg = compressible(3000, 1);
        assertThat(inflate(inf, deflate(d, msg))).isEqualTo(msg);
        Collector c = new Collector();
        assertThat(d.begin(-1)).isTrue();
        assertThat(d.write(msg, 0, 0, c)).isTrue();
        assertThat(d.flush(c)).isTrue();
        assertThat(d.finish(c)).isTrue();
        assertThat(inflate(inf, c.take())).isEmpty();
        d.release();
        inf.release();
    }

    @Test
    void everyLevelRoundTrips() throws DataFormatException {
        byte[] msg = compressible(50_000, 8);
        for (int level = 1; level <= 9; level++) {
            MessageDeflater d = new MessageDeflater(NO_TAKEOVER, level, 0);
            assertThat(inflate(new MessageInflater(NO_TAKEOVER), deflate(d, msg))).as("level %d", level).isEqualTo(msg);
        }
    }

    @Test
    void levelOutsideOneToNineIsRejected() {
        assertThatThrownBy(() -> new MessageDeflater(TAKEOVER, 0, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
        assertThatThrownBy(() -> new MessageDeflater(TAKEOVER, 10, 0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10");
    }

    @Test
    void sinkMayMaskTheBytesInPlace() throws DataFormatException {
        // ChunkSink's contract: the sink may modify the array (e.g. mask it); the held-back tail must survive
        MessageDeflater d = new MessageDeflater(TAKEOVER, 6, 0);
        byte[] msg = random(30_000, 4);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ChunkSink masking = (b, off, len) -> {
            out.write(b, off, len);
            for (int i = off; i < off + len; i++) {
                b[i] ^= 0x5a;
            }
            return true;
        };
        assertThat(d.begin(msg.length)).isTrue();
        for (int pos = 0; pos < msg.length; pos += 5000) {
            assertThat(d.write(msg, pos, 5000, masking)).isTrue();
            assertThat(d.flush(masking)).isTrue();
        }
        assertThat(d.finish(masking)).isTrue();
        assertThat(inflate(new MessageInflater(TAKEOVER), out.toByteArray())).isEqualTo(msg);
    }

    // --- which messages are compressed ---

    @Test
    void minSizeDeclinesShortKnownLengthsOnly() {
        MessageDeflater d = new MessageDeflater(TAKEOVER, 6, 100);
        assertThat(d.begin(0)).isFalse();
        assertThat(d.begin(99)).isFalse();
        assertThat(d.begin(100)).isTrue();
        d.release();
        assertThat(d.begin(-1)).as("unknown length").isTrue();
        d.release();
        assertThat(d.begin(Long.MAX_VALUE)).isTrue();
        d.release();
    }

    @Test
    void declinedMessageDoesNotDisturbTheContext() throws DataFormatException {
        MessageDeflater d = new MessageDeflater(TAKEOVER, 6, 100);
        MessageInflater inf = new MessageInflater(TAKEOVER);
        byte[] a = compressible(1000, 1);
        assertThat(inflate(inf, deflate(d, a))).isEqualTo(a);
        assertThat(d.begin(10)).isFalse(); // sent uncompressed, never seen by either zlib stream
        byte[] b = compressible(1000, 2);
        assertThat(inflate(inf, deflate(d, b))).isEqualTo(b);
        d.release();
        inf.release();
    }

    @Test
    void smallWindowDeclinesLongAndUnknownLengths() {
        for (int bits = 8; bits < 15; bits++) {
            MessageDeflater d = new MessageDeflater(new DeflateParams(false, false, bits), 6, 0);
            assertThat(d.begin(-1)).as("bits %d, unknown length", bits).isFalse();
            assertThat(d.begin((1L << bits) + 1)).as("bits %d, 2^bits+1", bits).isFalse();
            assertThat(d.begin(1L << 20)).isFalse();
            assertThat(d.begin(1L << bits)).as("bits %d, 2^bits", bits).isTrue();
            d.release();
            assertThat(d.begin(1)).isTrue();
            d.release();
        }
    }

    @Test
    void smallWindowStillHonoursMinSize() {
        MessageDeflater d = new MessageDeflater(new DeflateParams(false, false, 9), 6, 64);
        assertThat(d.begin(63)).isFalse();
        assertThat(d.begin(64)).isTrue();
        d.release();
    }

    @Test
    void smallWindowCompressesEachShortMessageAfresh() throws DataFormatException {
        DeflateParams p = new DeflateParams(false, false, 9);
        MessageDeflater d = new MessageDeflater(p, 6, 0);
        byte[] msg = compressible(512, 6);
        byte[] first = deflate(d, msg);
        assertThat(deflate(d, msg)).as("no history between messages").isEqualTo(first);
        assertThat(inflate(new MessageInflater(new DeflateParams(false, false, 15)), first)).isEqualTo(msg);
    }

    // --- stopping and releasing ---

    @Test
    void sinkReturningFalseStopsTheDeflater() throws DataFormatException {
        MessageDeflater d = new MessageDeflater(TAKEOVER, 6, 0);
        byte[] msg = random(100_000, 12);
        int[] calls = {0};
        assertThat(d.begin(msg.length)).isTrue();
        boolean more = d.write(msg, 0, msg.length, (b, off, len) -> ++calls[0] < 2);
        assertThat(more).isFalse();
        assertThat(calls[0]).isEqualTo(2);
        d.release(); // the message is abandoned
        // the deflater is usable again, with a fresh stream
        byte[] next = compressible(2000, 1);
        assertThat(inflate(new MessageInflater(TAKEOVER), deflate(d, next))).isEqualTo(next);
        d.release();
    }

    @Test
    void sinkReturningFalseStopsFlushAndFinish() {
        MessageDeflater d = new MessageDeflater(TAKEOVER, 1, 0);
        byte[] msg = random(50_000, 13);
        assertThat(d.begin(-1)).isTrue();
        assertThat(d.write(msg, 0, msg.length, (b, off, len) -> true)).isTrue();
        int[] calls = {0};
        assertThat(d.flush((b, off, len) -> ++calls[0] < 1)).isFalse();
        assertThat(calls[0]).isEqualTo(1);
        d.release();
        assertThat(d.begin(-1)).isTrue();
        assertThat(d.write(msg, 0, msg.length, (b, off, len) -> true)).isTrue();
        assertThat(d.finish((b, off, len) -> false)).isFalse();
        d.release();
    }

    @Test
    void releaseIsIdempotentAndNeverPoolsAStreamTwice() {
        int level = 2; // a level no other test uses, so the pool's queue is ours
        MessageDeflater d = new MessageDeflater(TAKEOVER, level, 0);
        d.release(); // before any message
        assertThat(d.begin(-1)).isTrue();
        d.release();
        d.release();
        d.release();
        ZlibPool.DeflateStream a = ZlibPool.deflater(level);
        ZlibPool.DeflateStream b = ZlibPool.deflater(level);
        assertThat(a).isNotSameAs(b);
        ZlibPool.release(a);
        ZlibPool.release(b);
    }

    @Test
    void finishWithoutTakeoverGivesTheStreamBackReset() {
        int level = 3; // a level no other test uses, so the pool's queue is ours
        MessageDeflater d = new MessageDeflater(NO_TAKEOVER, level, 0);
        deflate(d, compressible(1000, 1));
        ZlibPool.DeflateStream s = ZlibPool.deflater(level);
        assertThat(s.deflater().getBytesRead()).as("the pooled stream was reset").isZero();
        ZlibPool.release(s);
    }
}
