package io.switchboard.conformance.autobahn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.switchboard.ws.Utf8Validator;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * The synthetic datasets of the compression cases: the same bytes every time, about the size and
 * the compressibility of the reference suite's files, text that is valid UTF-8 with non-ASCII
 * characters, and slices cut in characters (text) or bytes (binary), wrapping around.
 */
class DeflateDatasetsTest {
    @Test
    void everyCaseNamesAKnownDatasetOfTheRightKind() {
        for (CaseSpec c : Catalog.select(List.of("12.*", "13.*"), List.of())) {
            CaseSpec.Deflate d = (CaseSpec.Deflate) c.check();
            DeflateDatasets.Dataset data = DeflateDatasets.get(d.dataset());
            // text datasets go as text messages; the book is text but, as in the reference, goes as binary
            assertThat(data.isText()).as(c.id()).isEqualTo(!d.binary());
        }
    }

    @Test
    void generationIsDeterministic() {
        assertThat(SyntheticData.json()).isEqualTo(SyntheticData.json());
        assertThat(SyntheticData.book()).isEqualTo(SyntheticData.book());
        assertThat(SyntheticData.html()).isEqualTo(SyntheticData.html());
        assertThat(SyntheticData.bitmap()).isEqualTo(SyntheticData.bitmap());
        assertThat(SyntheticData.pdf()).isEqualTo(SyntheticData.pdf());
    }

    @Test
    void sizesAndCompressibilityResembleTheReferenceFiles() {
        // reference sizes: 194 056, 263 222, 222 218, 263 647 and 1 042 328 (in characters for text)
        assertThat(DeflateDatasets.get(DeflateDatasets.JSON).units()).isCloseTo(194_056, within(4_000));
        assertThat(DeflateDatasets.get(DeflateDatasets.BITMAP).units()).isEqualTo(263_222);
        assertThat(DeflateDatasets.get(DeflateDatasets.BOOK).units()).isCloseTo(222_218, within(5_000));
        assertThat(DeflateDatasets.get(DeflateDatasets.HTML).units()).isCloseTo(263_647, within(5_000));
        assertThat(DeflateDatasets.get(DeflateDatasets.PDF).units()).isCloseTo(1_042_328, within(20_000));
        // prose and markup compress well; a photograph-like bitmap and a PDF full of compressed streams do not
        assertThat(ratio(DeflateDatasets.JSON)).isBetween(0.1, 0.4);
        assertThat(ratio(DeflateDatasets.BOOK)).isBetween(0.2, 0.5);
        assertThat(ratio(DeflateDatasets.HTML)).isBetween(0.1, 0.4);
        assertThat(ratio(DeflateDatasets.BITMAP)).isBetween(0.6, 0.95);
        assertThat(ratio(DeflateDatasets.PDF)).isBetween(0.6, 0.95);
        byte[] bmp = DeflateDatasets.get(DeflateDatasets.BITMAP).bytes();
        assertThat(new String(bmp, 0, 2, StandardCharsets.US_ASCII)).isEqualTo("BM");
        byte[] pdf = DeflateDatasets.get(DeflateDatasets.PDF).bytes();
        assertThat(new String(pdf, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.5");
        assertThat(new String(pdf, pdf.length - 6, 6, StandardCharsets.US_ASCII)).isEqualTo("%%EOF\n");
    }

    @Test
    void textIsValidUtf8WithNonAsciiCharacters() {
        for (String name : List.of(DeflateDatasets.JSON, DeflateDatasets.HTML, DeflateDatasets.BOOK)) {
            byte[] b = name.equals(DeflateDatasets.BOOK) ? DeflateDatasets.get(name).bytes()
                    : new String(DeflateDatasets.get(name).codePoints(), 0, DeflateDatasets.get(name).units())
                            .getBytes(StandardCharsets.UTF_8);
            assertThat(Utf8Validator.isValid(b, 0, b.length)).as(name).isTrue();
            String text = new String(b, StandardCharsets.UTF_8);
            assertThat(text.codePoints().filter(c -> c > 127).count()).as(name).isGreaterThan(500);
            assertThat(text).as(name).contains("ü", "€", "—");
        }
    }

    @Test
    void textIsSlicedInCharactersAndWrapsAround() {
        DeflateDatasets.Dataset json = DeflateDatasets.get(DeflateDatasets.JSON);
        int n = json.units();
        int size = 1000;
        long last = n / size; // this slice runs past the end and wraps to the start
        String wrapped = new String(json.slice(last, size), StandardCharsets.UTF_8);
        assertThat(wrapped.codePointCount(0, wrapped.length())).isEqualTo(size);
        int tail = n - (int) (last * size);
        String expected = new String(json.codePoints(), (int) (last * size), tail) + new String(json.codePoints(), 0, size - tail);
        assertThat(wrapped).isEqualTo(expected);
        // consecutive messages continue where the previous one stopped
        String first = new String(json.slice(0, 16), StandardCharsets.UTF_8);
        String second = new String(json.slice(1, 16), StandardCharsets.UTF_8);
        assertThat(first + second).isEqualTo(new String(json.codePoints(), 0, 32));
        // somewhere a slice of 16 characters is more than 16 bytes
        boolean multiByte = false;
        for (int i = 0; i < 2000 && !multiByte; i++) {
            multiByte = json.slice(i, 16).length > 16;
        }
        assertThat(multiByte).isTrue();
    }

    @Test
    void binaryIsSlicedInBytesAndWrapsAround() {
        DeflateDatasets.Dataset pdf = DeflateDatasets.get(DeflateDatasets.PDF);
        byte[] all = pdf.bytes();
        assertThat(pdf.slice(2, 64)).isEqualTo(Arrays.copyOfRange(all, 128, 192));
        int size = 131_072;
        long last = all.length / size;
        byte[] wrapped = pdf.slice(last, size);
        int tail = all.length - (int) (last * size);
        assertThat(Arrays.copyOfRange(wrapped, 0, tail)).isEqualTo(Arrays.copyOfRange(all, all.length - tail, all.length));
        assertThat(Arrays.copyOfRange(wrapped, tail, size)).isEqualTo(Arrays.copyOfRange(all, 0, size - tail));
    }

    private static double ratio(String name) {
        byte[] b = DeflateDatasets.get(name).bytes();
        Deflater d = new Deflater(6, true);
        try {
            d.setInput(b);
            d.finish();
            byte[] out = new byte[b.length + 1024];
            int n = 0;
            while (!d.finished()) {
                n += d.deflate(out, n, out.length - n);
            }
            return (double) n / b.length;
        } finally {
            d.end();
        }
    }
}
