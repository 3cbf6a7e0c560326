package io.switchboard.ws;

import static io.switchboard.ws.FrameHeadersTest.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Utf8ValidatorTest {

    @Test
    void acceptsValidSequences() {
        int[][] valid = {
            {},
            {'h', 'e', 'l', 'l', 'o'},
            {0x00}, {0x7F},
            {0xC2, 0x80}, {0xDF, 0xBF},                   // U+0080, U+07FF
            {0xE0, 0xA0, 0x80}, {0xED, 0x9F, 0xBF},       // U+0800, U+D7FF (just below the surrogates)
            {0xEE, 0x80, 0x80}, {0xEF, 0xBF, 0xBF},       // U+E000, U+FFFF
            {0xF0, 0x90, 0x80, 0x80}, {0xF4, 0x8F, 0xBF, 0xBF}, // U+10000, U+10FFFF
            {0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5}, // "κόσμε"
        };
        for (int[] v : valid) {
            byte[] b = bytes(v);
            assertThat(Utf8Validator.isValid(b, 0, b.length)).as(hex(b)).isTrue();
        }
    }

    @Test
    void rejectsInvalidSequencesAtTheFirstBadByte() {
        // each row: the bytes, then the index of the byte that proves them invalid
        Object[][] invalid = {
            {bytes(0xC0, 0xAF), 0},             // overlong '/'
            {bytes(0xC1, 0xBF), 0},             // overlong
            {bytes(0xE0, 0x80, 0xAF), 1},       // overlong 3-byte
            {bytes(0xF0, 0x8F, 0xBF, 0xBF), 1}, // overlong 4-byte
            {bytes(0xED, 0xA0, 0x80), 1},       // U+D800, a surrogate
            {bytes(0xED, 0xBF, 0xBF), 1},       // U+DFFF
            {bytes(0xF4, 0x90, 0x80, 0x80), 1}, // U+110000
            {bytes(0xF5, 0x80, 0x80, 0x80), 0}, // above U+10FFFF
            {bytes(0xFF), 0}, {bytes(0xFE), 0},
            {bytes(0x80), 0},                   // lone continuation
            {bytes('a', 0xBF), 1},
            {bytes(0xC2, 'a'), 1},              // lead without continuation
            {bytes(0xE2, 0x82, 'a'), 2},
            {bytes(0xF0, 0x9F, 0x98, 0xC0), 3},
            {bytes('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 0xC0, 'j', 'k'), 9}, // past the ASCII fast path
        };
        for (Object[] row : invalid) {
            byte[] b = (byte[]) row[0];
            int bad = (Integer) row[1];
            Utf8Validator v = new Utf8Validator();
            assertThat(v.feed(b, 0, bad)).as("prefix of %s", hex(b)).isTrue();
            assertThat(v.feed(b, bad, 1)).as("bad byte of %s", hex(b)).isFalse();
            assertThat(v.feed(b, bad + 1, b.length - bad - 1)).as("stays rejected").isFalse();
            assertThat(v.isRejected()).isTrue();
            assertThat(Utf8Validator.isValid(b, 0, b.length)).isFalse();
        }
    }

    @Test
    void truncatedInputIsAPrefixButNotComplete() {
        byte[] euro = bytes(0xE2, 0x82, 0xAC);
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(euro, 0, 2)).isTrue();
        assertThat(v.isComplete()).isFalse();
        assertThat(Utf8Validator.isValid(euro, 0, 2)).isFalse();
        assertThat(v.feed(euro, 2, 1)).isTrue();
        assertThat(v.isComplete()).isTrue();
    }

    @Test
    void acceptsAnEmojiSplitAtEveryPosition() {
        byte[] text = "a😀b😀".getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= text.length; split++) {
            for (int second = split; second <= text.length; second++) {
                Utf8Validator v = new Utf8Validator();
                assertThat(v.feed(text, 0, split)).isTrue();
                assertThat(v.feed(text, split, second - split)).isTrue();
                assertThat(v.feed(text, second, text.length - second)).isTrue();
                assertThat(v.isComplete()).as("splits %d,%d", split, second).isTrue();
            }
        }
    }

    @Test
    void resetForgetsAFailure() {
        Utf8Validator v = new Utf8Validator();
        assertThat(v.feed(bytes(0xC0), 0, 1)).isFalse();
        v.reset();
        assertThat(v.feed(bytes('o', 'k'), 0, 2)).isTrue();
        assertThat(v.isComplete()).isTrue();
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomInput() {
        Random random = new Random(3);
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        byte[] alphabet = bytes(0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1,
                0xED, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xFF);
        for (int round = 0; round < 50_000; round++) {
            byte[] b = new byte[1 + random.nextInt(12)];
            for (int i = 0; i < b.length; i++) {
                b[i] = alphabet[random.nextInt(alphabet.length)];
            }
            assertThat(Utf8Validator.isValid(b, 0, b.length)).as(hex(b)).isEqualTo(jdkAccepts(decoder, b));
        }
    }

    private static boolean jdkAccepts(java.nio.charset.CharsetDecoder decoder, byte[] b) {
        try {
            decoder.reset().decode(ByteBuffer.wrap(b));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(String.format("%02X ", x));
        }
        return sb.toString().trim();
    }
}
