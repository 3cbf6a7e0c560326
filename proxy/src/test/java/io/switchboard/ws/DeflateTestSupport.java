package io.switchboard.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.DataFormatException;

/** Helpers for the permessage-deflate tests: data, chunked compression and decompression, python's zlib. */
final class DeflateTestSupport {
    static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};
    /** Uneven write sizes, cycled through: odd, tiny, around and above the 8 KiB buffer. */
    static final int[] UNEVEN = {1, 7, 1000, 3, 8191, 8192, 8193, 20_000, 13};

    private DeflateTestSupport() {
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Text-like data that compresses well but is not a single repeated byte. */
    static byte[] compressible(int n, long seed) {
        String[] words = {"switchboard ", "proxy ", "websocket ", "deflate ", "frame ", "message ", "{\"id\":", "42,", "\n"};
        Random r = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(n + 16);
        while (out.size() < n) {
            out.writeBytes(words[r.nextInt(words.length)].getBytes(StandardCharsets.US_ASCII));
        }
        return Arrays.copyOf(out.toByteArray(), n);
    }

    /** A sink that collects everything. */
    static final class Collector implements ChunkSink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int calls;
        int largest;

        @Override
        public boolean accept(byte[] b, int off, int len) {
            assertThat(len).as("chunk length").isPositive();
            calls++;
            largest = Math.max(largest, len);
            bytes.write(b, off, len);
            return true;
        }

        byte[] take() {
            byte[] r = bytes.toByteArray();
            bytes.reset();
            return r;
        }
    }

    /**
     * Compresses one message whose {@code begin} already returned true, writing it in the given
     * chunk sizes (cycled), optionally with a flush after each {@code flushEvery} writes, and checks
     * the result does not end with the sync-flush tail.
     */
    static byte[] deflate(MessageDeflater d, byte[] msg, int[] chunks, int flushEvery) {
        Collector c = new Collector();
        int pos = 0;
        int i = 0;
        while (pos < msg.length) {
            int n = Math.min(chunks[i % chunks.length], msg.length - pos);
            assertThat(d.write(msg, pos, n, c)).isTrue();
            pos += n;
            i++;
            if (flushEvery > 0 && i % flushEvery == 0) {
                assertThat(d.flush(c)).isTrue();
            }
        }
        assertThat(d.finish(c)).isTrue();
        byte[] out = c.take();
        assertThat(endsWithTail(out)).as("compressed message ends with 00 00 ff ff").isFalse();
        return out;
    }

    /** Compresses a whole message in one write; begin(length) must accept it. */
    static byte[] deflate(MessageDeflater d, byte[] msg) {
        assertThat(d.begin(msg.length)).isTrue();
        return deflate(d, msg, new int[] {Math.max(1, msg.length)}, 0);
    }

    static boolean endsWithTail(byte[] b) {
        return b.length >= 4 && Arrays.equals(b, b.length - 4, b.length, TAIL, 0, 4);
    }

    /** Decompresses one message fed in the given chunk size; checks the 8 KiB output chunk bound. */
    static byte[] inflate(MessageInflater inf, byte[] compressed, int chunk) throws DataFormatException {
        Collector c = new Collector();
        for (int pos = 0; pos < compressed.length; pos += chunk) {
            assertThat(inf.feed(compressed, pos, Math.min(chunk, compressed.length - pos), c)).isTrue();
        }
        assertThat(inf.finish(c)).isTrue();
        assertThat(c.largest).as("largest output chunk").isLessThanOrEqualTo(ZlibPool.BUFFER);
        return c.take();
    }

    static byte[] inflate(MessageInflater inf, byte[] compressed) throws DataFormatException {
        return inflate(inf, compressed, Math.max(1, compressed.length));
    }

    // --- python ---

    /**
     * Runs a python3 script that reads length-prefixed (4-byte big-endian) messages from stdin and
     * writes length-prefixed messages to stdout; bounded by a timeout.
     */
    static List<byte[]> python(String script, List<byte[]> messages) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("pmd-py");
        try {
            Path in = dir.resolve("in");
            Path out = dir.resolve("out");
            Path err = dir.resolve("err");
            Path py = dir.resolve("s.py");
            Files.writeString(py, PY_PRELUDE + script);
            try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(in))) {
                for (byte[] m : messages) {
                    o.writeInt(m.length);
                    o.write(m);
                }
            }
            Process p = new ProcessBuilder("/usr/bin/python3", py.toString())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("python timed out");
            }
            assertThat(p.exitValue()).as("python exit; stderr: %s", Files.readString(err)).isZero();
            List<byte[]> result = new ArrayList<>();
            ByteBuffer bb = ByteBuffer.wrap(Files.readAllBytes(out));
            while (bb.hasRemaining()) {
                byte[] m = new byte[bb.getInt()];
                bb.get(m);
                result.add(m);
            }
            return result;
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static final String PY_PRELUDE = """
            import sys, struct, zlib
            TAIL = b"\\x00\\x00\\xff\\xff"
            def messages():
                data = sys.stdin.buffer.read()
                pos = 0
                while pos < len(data):
                    (n,) = struct.unpack(">I", data[pos:pos + 4])
                    yield data[pos + 4:pos + 4 + n]
                    pos += 4 + n
            def emit(b):
                sys.stdout.buffer.write(struct.pack(">I", len(b)) + b)
            """;
}
