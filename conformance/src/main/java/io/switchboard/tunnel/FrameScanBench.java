package io.switchboard.tunnel;

import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;

import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Opcode;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: the tunnel's frame parser ({@link FrameScanner}) on what one socket read holds. Each
 * invocation scans {@value #FRAMES} masked client frames of {@code size} payload bytes, as one read
 * ({@code whole}) or cut into reads of 1,400 bytes ({@code mtu}: headers straddle reads), and the
 * score is per frame. Run with {@code ./switchboard jmh FrameScanBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class FrameScanBench {
    static final int FRAMES = 64;

    /** Payload bytes per frame. */
    @Param({"64", "16384"})
    public int size;

    /** How the bytes arrive: {@code whole} (one read) or {@code mtu} (reads of 1,400 bytes). */
    @Param({"whole", "mtu"})
    public String reads;

    private byte[] wire;
    private int chunk;
    private FrameScanner scanner;
    private CountingSink sink;

    @Setup(Level.Trial)
    public void setUp() {
        wire = frames(FRAMES, size);
        chunk = reads.equals("mtu") ? 1400 : wire.length;
    }

    @Setup(Level.Iteration)
    public void freshScanner() {
        scanner = new FrameScanner();
        sink = new CountingSink();
    }

    /** Scans the frames once; returns the frames the scanner has completed so far (JMH consumes it). */
    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public long scan() {
        for (int off = 0; off < wire.length; off += chunk) {
            scanner.feed(wire, off, Math.min(chunk, wire.length - off), sink);
        }
        return scanner.frames();
    }

    long passedBytes() {
        return sink.bytes;
    }

    int wireLength() {
        return wire.length;
    }

    /** {@code n} masked binary frames of {@code payload} random bytes each, back to back. */
    static byte[] frames(int n, int payload) {
        SecureRandom random = new SecureRandom();
        int header = FrameHeaders.headerLength(true, payload);
        byte[] out = new byte[n * (header + payload)];
        for (int i = 0; i < n; i++) {
            int at = i * (header + payload);
            FrameHeaders.encode(out, at, true, 0, Opcode.BINARY, true, random.nextInt(), payload);
            byte[] body = new byte[payload];
            random.nextBytes(body);
            System.arraycopy(body, 0, out, at + header, payload);
        }
        return out;
    }

    /** Takes what the relay's sink would pass on: runs of whole data frames, control frames. */
    static final class CountingSink implements FrameScanner.Sink {
        long runs;
        long bytes;

        @Override
        public void data(byte[] b, int off, int len, boolean endsFrame) {
            bytes += len;
            if (endsFrame) {
                runs++;
            }
        }

        @Override
        public void control(int opcode, byte[] frame, byte[] payload) {
            runs++;
        }

        @Override
        public void passedClose() {
        }
    }
}
