package io.switchboard.ws;

import static io.switchboard.ws.DeflateTestSupport.UNEVEN;
import static io.switchboard.ws.DeflateTestSupport.compressible;
import static io.switchboard.ws.DeflateTestSupport.deflate;
import static io.switchboard.ws.DeflateTestSupport.inflate;
import static io.switchboard.ws.DeflateTestSupport.python;
import static io.switchboard.ws.DeflateTestSupport.random;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link MessageDeflater} and {@link MessageInflater} against an independent implementation: CPython's
 * zlib module, run as a subprocess (bounded by a timeout).
 */
class MessageZlibInteropTest {
    private static final int[] SIZES = {0, 1, 100, 8191, 8192, 8193, 100_000, 1 << 20};
    private static final DeflateParams TAKEOVER = new DeflateParams(false, false, 15);
    private static final DeflateParams NO_TAKEOVER = new DeflateParams(true, true, 15);

    /** Python inflates each message (tail appended), keeping one stream across messages unless told not to. */
    private static final String PY_INFLATE = """
            d = zlib.decompressobj(WBITS)
            for m in messages():
                if not KEEP:
                    d = zlib.decompressobj(WBITS)
                out = []
                data = m + TAIL
                while True:  # small output steps so the window, not the output buffer, serves back-references
                    chunk = d.decompress(data, 1000)
                    out.append(chunk)
                    data = d.unconsumed_tail
                    if not data and len(chunk) < 1000:
                        break
                emit(b"".join(out))
            """;

    /** Python compresses each message with a sync flush and strips the tail. */
    private static final String PY_DEFLATE = """
            c = zlib.compressobj(6, zlib.DEFLATED, WBITS)
            for m in messages():
                if not KEEP:
                    c = zlib.compressobj(6, zlib.DEFLATED, WBITS)
                z = c.compress(m) + c.flush(zlib.Z_SYNC_FLUSH)
                assert z.endswith(TAIL), z[-8:]
                emit(z[:-4])
            """;

    private static String script(String body, int wbits, boolean keep) {
        return "WBITS = " + wbits + "\nKEEP = " + (keep ? "True" : "False") + "\n" + body;
    }

    @BeforeAll
    static void pythonIsThere() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "/usr/bin/python3 with zlib");
    }

    private static List<byte[]> messages() {
        List<byte[]> msgs = new ArrayList<>();
        msgs.add(new byte[0]); // empty only first: see MessageDeflaterTest.emptyMessageAfterAnotherWithContextTakeover
        for (int size : SIZES) {
            if (size == 0) {
                continue;
            }
            msgs.add(compressible(size, size));
            msgs.add(random(size, size + 1L));
            msgs.add(compressible(size, size)); // a repeat: with takeover, mostly back-references
        }
        return msgs;
    }

    private static void javaToPython(DeflateParams p, boolean flushes) throws Exception {
        List<byte[]> msgs = messages();
        MessageDeflater d = new MessageDeflater(p, 6, 0);
        List<byte[]> compressed = new ArrayList<>();
        for (byte[] m : msgs) {
            assertThat(d.begin(m.length)).isTrue();
            compressed.add(deflate(d, m, UNEVEN, flushes ? 2 : 0));
        }
        d.release();
        List<byte[]> back = python(script(PY_INFLATE, -15, !p.ownNoContextTakeover()), compressed);
        assertThat(back).hasSameSizeAs(msgs);
        for (int i = 0; i < msgs.size(); i++) {
            assertThat(back.get(i)).as("message %d (%d bytes)", i, msgs.get(i).length).isEqualTo(msgs.get(i));
        }
    }

    @Test
    void pythonInflatesOurMessagesWithContextTakeover() throws Exception {
        javaToPython(TAKEOVER, false);
    }

    @Test
    void pythonInflatesOurMessagesWithoutContextTakeover() throws Exception {
        javaToPython(NO_TAKEOVER, false);
    }

    @Test
    void pythonInflatesOurMessagesFlushedMidway() throws Exception {
        javaToPython(TAKEOVER, true);
    }

    private static void pythonToJava(int wbits, boolean keep) throws Exception {
        List<byte[]> msgs = messages();
        List<byte[]> compressed = python(script(PY_DEFLATE, wbits, keep), msgs);
        assertThat(compressed).hasSameSizeAs(msgs);
        MessageInflater inf = new MessageInflater(new DeflateParams(false, !keep, 15));
        for (int i = 0; i < msgs.size(); i++) {
            byte[] z = compressed.get(i);
            assertThat(inflate(inf, z, 1 + i * 37 % 5000)).as("message %d (%d bytes)", i, msgs.get(i).length)
                    .isEqualTo(msgs.get(i));
        }
        inf.release();
    }

    @Test
    void weInflatePythonMessagesWithContextTakeover() throws Exception {
        pythonToJava(-15, true);
    }

    @Test
    void weInflatePythonMessagesWithoutContextTakeover() throws Exception {
        pythonToJava(-15, false);
    }

    @Test
    void weInflatePythonMessagesCompressedWithANineBitWindow() throws Exception {
        pythonToJava(-9, true);
        pythonToJava(-9, false);
    }

    @Test
    void emptyMessageInflatesToNothingInPython() throws Exception {
        byte[] z = deflate(new MessageDeflater(NO_TAKEOVER, 6, 0), new byte[0]);
        assertThat(python(script(PY_INFLATE, -15, false), List.of(z))).singleElement()
                .satisfies(b -> assertThat(b).isEmpty());
    }

    @Test
    void pythonEmptyMessageInflatesToNothingHere() throws Exception {
        byte[] z = python(script(PY_DEFLATE, -15, false), List.of(new byte[0])).get(0);
        assertThat(inflate(new MessageInflater(NO_TAKEOVER), z)).isEmpty();
    }

    /**
     * With server_max_window_bits below 15 our deflater still uses the JDK's 15-bit window but
     * compresses only messages up to 2^bits bytes, each afresh: a peer inflating with a 2^bits
     * window must decode them.
     */
    @Test
    void messagesUnderASmallWindowDecodeWithThatWindowInPython() throws Exception {
        for (int bits = 8; bits <= 14; bits++) {
            MessageDeflater d = new MessageDeflater(new DeflateParams(false, false, bits), 9, 0);
            int max = 1 << bits;
            List<byte[]> msgs = List.of(compressible(max, bits), random(max, bits), compressible(max / 2 + 1, bits),
                    new byte[max], compressible(max, bits));
            List<byte[]> compressed = new ArrayList<>();
            for (byte[] m : msgs) {
                assertThat(d.begin(m.length)).isTrue();
                compressed.add(deflate(d, m, new int[] {max / 3 + 1}, 0));
            }
            d.release();
            // one stream over all messages, as a peer with context takeover and a 2^bits window keeps it
            List<byte[]> back = python(script(PY_INFLATE, -bits, true), compressed);
            assertThat(back).hasSameSizeAs(msgs);
            for (int i = 0; i < msgs.size(); i++) {
                assertThat(back.get(i)).as("bits %d message %d", bits, i).isEqualTo(msgs.get(i));
            }
        }
    }

    @Test
    void pythonFinalBlockMessagesDecodeHere() throws Exception {
        // a sender that ends each message with Z_FINISH (BFINAL=1) and a fresh stream, appending the
        // 0x00 of RFC 7692 §7.2.3.4 to half of them
        String py = """
                for i, m in enumerate(messages()):
                    c = zlib.compressobj(6, zlib.DEFLATED, -15)
                    z = c.compress(m) + c.flush(zlib.Z_FINISH)
                    emit(z + (b"\\x00" if i % 2 else b""))
                """;
        List<byte[]> msgs = List.of(compressible(5000, 1), compressible(300, 2), random(20_000, 3), compressible(70_000, 4));
        List<byte[]> compressed = python(py, msgs);
        MessageInflater inf = new MessageInflater(new DeflateParams(false, true, 15));
        for (int i = 0; i < msgs.size(); i++) {
            assertThat(inflate(inf, compressed.get(i), 1000)).as("message %d", i).isEqualTo(msgs.get(i));
        }
        inf.release();
    }
}
