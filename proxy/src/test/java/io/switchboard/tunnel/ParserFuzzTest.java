package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Random;

import io.switchboard.ws.FrameHeader;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Frames;
import io.switchboard.ws.Handshake;
import io.switchboard.ws.Opcode;
import org.junit.jupiter.api.Test;

/**
 * Bounded fuzzing of the parsers that read peer input: random and mutated bytes into the frame
 * header parser, the tunnel's frame scanner, the backend response-head reader and the handshake
 * validator. No exception but the documented ones may escape, and nothing may hang.
 */
class ParserFuzzTest {
    private static final long SEED = 20261123L; // fixed: a failure is reproducible
    private static final Duration BUDGET = Duration.ofSeconds(10);

    private static final FrameScanner.Sink NOTHING = new FrameScanner.Sink() {
        @Override
        public void data(byte[] b, int off, int len, boolean endsFrame) {
        }

        @Override
        public void control(int opcode, byte[] frame, byte[] payload) {
        }

        @Override
        public void passedClose() {
        }
    };

    @Test
    void frameHeaderParserAndScannerSurviveRandomAndMutatedInput() {
        Random random = new Random(SEED);
        byte[] valid = Frames.control(Opcode.PING, "seed".getBytes(), true);
        assertTimeoutPreemptively(BUDGET, () -> {
            for (int i = 0; i < 200_000; i++) {
                byte[] input = i % 2 == 0 ? randomBytes(random, 1 + random.nextInt(40)) : mutate(random, valid);
                FrameHeader h = FrameHeaders.parse(input, 0, input.length);
                if (h != null) {
                    assertThat(h.headerLength()).isBetween(2, 14);
                    FrameHeaders.violation(h, random.nextBoolean(), 0); // must not throw
                }
                FrameScanner scanner = new FrameScanner(1 << 20, 1 << 22);
                try {
                    int off = 0;
                    while (off < input.length) {
                        int n = 1 + random.nextInt(input.length - off);
                        scanner.feed(input, off, n, NOTHING);
                        off += n;
                    }
                    assertThat(scanner.bytes()).isEqualTo(input.length);
                } catch (FrameScanner.MalformedFrameException | FrameScanner.TooBigException expected) {
                    // documented outcomes of hostile input
                }
            }
        });
    }

    @Test
    void responseHeadReaderSurvivesGarbage() {
        Random random = new Random(SEED + 1);
        assertTimeoutPreemptively(BUDGET, () -> {
            for (int i = 0; i < 20_000; i++) {
                byte[] input = i % 3 == 0 ? randomBytes(random, random.nextInt(300))
                        : mutate(random, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\nxyz".getBytes());
                try {
                    ResponseHead head = ResponseHead.read(new ByteArrayInputStream(input));
                    assertThat(head.raw().length + head.leftover().length).isLessThanOrEqualTo(input.length);
                } catch (IOException expected) {
                    // EOF before a head, or a malformed status line
                }
            }
        });
    }

    @Test
    void handshakeValidatorAnswersEveryInputWithAStatus() {
        Random random = new Random(SEED + 2);
        String[] methods = {"GET", "POST", "", "get", null};
        assertTimeoutPreemptively(BUDGET, () -> {
            for (int i = 0; i < 50_000; i++) {
                Handshake.Refusal r = Handshake.validate(new Handshake.Request(methods[random.nextInt(methods.length)],
                        random.nextBoolean() ? "1.1" : "1.0", maybe(random), maybe(random), maybe(random), maybe(random)));
                if (r != null) {
                    assertThat(r.status()).isIn(400, 426);
                }
            }
        });
    }

    private static String maybe(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> null;
            case 1 -> new String(randomBytes(random, random.nextInt(30)), java.nio.charset.StandardCharsets.ISO_8859_1);
            case 2 -> "Upgrade";
            default -> "dGhlIHNhbXBsZSBub25jZQ==";
        };
    }

    private static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] mutate(Random random, byte[] seed) {
        byte[] b = seed.clone();
        int flips = 1 + random.nextInt(4);
        for (int i = 0; i < flips; i++) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }
}
