package io.switchboard.conformance.autobahn;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The data the compression cases (12.x, 13.x) cut their messages from. The reference suite ships
 * five real files (a JSON document, a bitmap, a book, an HTML page, a PDF); this suite generates
 * look-alikes instead, from fixed seeds, so nothing needs to be shipped and every run sends the
 * same bytes: see {@link SyntheticData} for what each one looks like and why.
 *
 * <p>Text datasets are sliced in Unicode characters (code points), binary ones in bytes, as the
 * reference suite does: message {@code k} of a case with message size {@code n} is the {@code n}
 * units starting at {@code k * n}, wrapping around to the start of the dataset.
 */
final class DeflateDatasets {
    /** Names as used by {@link CaseSpec.Deflate#dataset()} (see {@link LimitCases}). */
    static final String JSON = "json document";
    static final String BITMAP = "bitmap image";
    static final String BOOK = "plain-text book";
    static final String HTML = "html page";
    static final String PDF = "pdf document";

    private static final Map<String, Supplier<Dataset>> GENERATORS = Map.of(
            JSON, () -> Dataset.text(JSON, SyntheticData.json()),
            BITMAP, () -> Dataset.binary(BITMAP, SyntheticData.bitmap()),
            // the book is text, but the reference suite sends it as binary: sliced in bytes
            BOOK, () -> Dataset.binary(BOOK, SyntheticData.book().getBytes(StandardCharsets.UTF_8)),
            HTML, () -> Dataset.text(HTML, SyntheticData.html()),
            PDF, () -> Dataset.binary(PDF, SyntheticData.pdf()));
    private static final Map<String, Dataset> CACHE = new ConcurrentHashMap<>();

    private DeflateDatasets() {
    }

    /** The dataset of this name, generated on first use and kept (a few MiB in all). */
    static Dataset get(String name) {
        Supplier<Dataset> g = GENERATORS.get(name);
        if (g == null) {
            throw new IllegalArgumentException("no dataset '" + name + "'");
        }
        return CACHE.computeIfAbsent(name, n -> g.get());
    }

    /**
     * One dataset: either code points (text) or bytes (binary).
     *
     * @param name       its name
     * @param codePoints the text, one code point per element; null for a binary dataset
     * @param bytes      the bytes; for text, its UTF-8 encoding
     */
    record Dataset(String name, int[] codePoints, byte[] bytes) {
        static Dataset text(String name, String text) {
            return new Dataset(name, text.codePoints().toArray(), text.getBytes(StandardCharsets.UTF_8));
        }

        static Dataset binary(String name, byte[] bytes) {
            return new Dataset(name, null, bytes);
        }

        boolean isText() {
            return codePoints != null;
        }

        /** Length in slicing units: code points for text, bytes for binary. */
        int units() {
            return isText() ? codePoints.length : bytes.length;
        }

        /**
         * Message {@code index} of a case whose messages are {@code size} units long: the units
         * from {@code index * size} on, wrapping around; text comes back UTF-8 encoded.
         */
        byte[] slice(long index, int size) {
            int n = units();
            int start = (int) (index * size % n);
            if (!isText()) {
                byte[] out = new byte[size];
                for (int done = 0; done < size; ) {
                    int pos = (start + done) % n;
                    int len = Math.min(size - done, n - pos);
                    System.arraycopy(bytes, pos, out, done, len);
                    done += len;
                }
                return out;
            }
            StringBuilder sb = new StringBuilder(size + size / 8);
            for (int done = 0; done < size; done++) {
                sb.appendCodePoint(codePoints[(start + done) % n]);
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
