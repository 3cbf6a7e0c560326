package io.switchboard.conformance.autobahn;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Generates the five datasets of the compression cases (see {@link DeflateDatasets}): files of the
 * same nature and about the same size as the reference suite's, so compression ratios and message
 * boundaries behave alike. Each comes from its own fixed seed, through {@link Random} (whose
 * algorithm the JDK specifies) and {@link StrictMath}, so every JDK on every machine produces the
 * same bytes.
 *
 * <ul>
 *   <li>JSON: an indented array of user records (mixed ids, hex GUIDs, names, prose), about 194 000
 *       characters, with accented, Greek and CJK characters;</li>
 *   <li>bitmap: a 512 x 512 8-bit grey-scale BMP of smooth shapes plus sensor-like noise, 263 222
 *       bytes, like an uncompressed photograph;</li>
 *   <li>book: English-like prose in chapters, wrapped at 70 columns with CRLF, about 222 000
 *       bytes of UTF-8 (sent as binary);</li>
 *   <li>HTML: an encyclopedia-like page with headings, links, tables, lists, CSS and a script,
 *       about 263 000 characters;</li>
 *   <li>PDF: pages of uncompressed text operators interleaved with JPEG-like and deflate-like
 *       streams of random bytes (incompressible, as in real PDFs), about 1 MiB.</li>
 * </ul>
 */
final class SyntheticData {
    static final int JSON_CHARS = 194_000;
    static final int BITMAP_SIDE = 512;
    static final int BOOK_BYTES = 222_000;
    static final int HTML_CHARS = 263_000;
    static final int PDF_BYTES = 1_040_000;

    private static final String[] WORDS = (
            "the of and to in a is that for it as was with be by on not he this are or his from at which but have an "
            + "they you were her she there been one all we their has would when if so no will more can out up who "
            + "them some into time only other new could than first after over two these years its may like now "
            + "people very long way made also many then down back water light house night river road morning "
            + "little old great small under between never again every place hand found thought without nothing "
            + "through window before against letter village mountain harbour lantern evening winter summer "
            + "garden stone silence journey answer question quietly slowly certainly suddenly remembered")
            .split(" ");
    private static final String[] FOREIGN = {"café", "naïve", "façade", "déjà vu", "Zürich", "smörgåsbord", "résumé",
        "piñata", "Ærøskøbing", "Łódź", "São Paulo", "Ελλάδα", "東京", "Ünterwald", "€40", "½ mile", "Ångström"};
    private static final String[] FIRST = {"Anna", "Björn", "Chloé", "Dmitri", "Élodie", "François", "Grete", "Hiroshi",
        "Inés", "Jürgen", "Kåre", "Léa", "Miłosz", "Nuño", "Oskar", "Paulína", "Renée", "Søren", "Tomás", "Zoë"};
    private static final String[] LAST = {"Andersson", "Brontë", "Castañeda", "Dvořák", "Eriksen", "Fernández",
        "Gößmann", "Horváth", "Ibáñez", "Jankowski", "Kowalczyk", "Lindqvist", "Müller", "Nakamura", "O'Brien",
        "Petrović", "Quiñones", "Rønning", "Schäfer", "Weiß"};
    private static final String[] CITIES = {"Zürich", "Köln", "Kraków", "São Paulo", "Reykjavík", "Malmö", "Málaga",
        "Bergen", "Genève", "Αθήνα", "東京", "Montréal", "Tromsø", "Porto"};
    private static final String[] TAGS = {"alpha", "beta", "gamma", "delta", "staff", "guest", "premium", "legacy",
        "north", "south", "verified", "trial"};
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private SyntheticData() {
    }

    /** An indented JSON array of records (3-space indent, as a typical pretty-printer writes). */
    static String json() {
        Random r = new Random(0x1207_0001L);
        StringBuilder s = new StringBuilder(JSON_CHARS + 2048).append("[\n");
        for (int id = 1; s.length() < JSON_CHARS; id++) {
            String first = pick(r, FIRST);
            String last = pick(r, LAST);
            s.append(id == 1 ? "" : ",\n").append("   {\n");
            field(s, "id", String.valueOf(id));
            field(s, "guid", quote(hex(r, 8) + "-" + hex(r, 4) + "-" + hex(r, 4) + "-" + hex(r, 4) + "-" + hex(r, 12)));
            field(s, "name", quote(first + " " + last));
            field(s, "email", quote(ascii(first) + "." + ascii(last) + "@example.org"));
            field(s, "city", quote(pick(r, CITIES)));
            field(s, "registered", quote(String.format(Locale.ROOT, "20%02d-%02d-%02dT%02d:%02d:00Z",
                    10 + r.nextInt(14), 1 + r.nextInt(12), 1 + r.nextInt(28), r.nextInt(24), r.nextInt(60))));
            field(s, "balance", quote(String.format(Locale.ROOT, "€%,d.%02d", r.nextInt(20000), r.nextInt(100))));
            field(s, "active", String.valueOf(r.nextBoolean()));
            field(s, "score", String.format(Locale.ROOT, "%.2f", r.nextDouble() * 100));
            field(s, "tags", "[" + quote(pick(r, TAGS)) + ", " + quote(pick(r, TAGS)) + "]");
            field(s, "about", quote(sentence(r) + " " + sentence(r)));
            s.append("      \"friends\": [");
            for (int f = 0, n = 1 + r.nextInt(3); f < n; f++) {
                s.append(f == 0 ? "\n" : ",\n").append("         {\"id\": ").append(r.nextInt(5000))
                        .append(", \"name\": ").append(quote(pick(r, FIRST) + " " + pick(r, LAST))).append('}');
            }
            s.append("\n      ]\n   }");
        }
        return s.append("\n]\n").toString();
    }

    /**
     * A BMP file (RFC-less but well known: 14-byte file header, 40-byte info header, 256-entry grey
     * palette, rows bottom-up) of smooth gradients and blobs plus a little noise.
     */
    static byte[] bitmap() {
        Random r = new Random(0x1207_0002L);
        int n = BITMAP_SIDE;
        int pixelOffset = 14 + 40 + 256 * 4;
        ByteArrayOutputStream b = new ByteArrayOutputStream(pixelOffset + n * n);
        b.writeBytes(new byte[] {'B', 'M'});
        le(b, pixelOffset + n * n, 4);
        le(b, 0, 4);
        le(b, pixelOffset, 4);
        le(b, 40, 4);
        le(b, n, 4);
        le(b, n, 4);
        le(b, 1, 2);
        le(b, 8, 2);
        le(b, 0, 4); // no compression
        le(b, n * n, 4);
        le(b, 2835, 4);
        le(b, 2835, 4);
        le(b, 256, 4);
        le(b, 256, 4);
        for (int i = 0; i < 256; i++) {
            b.writeBytes(new byte[] {(byte) i, (byte) i, (byte) i, 0});
        }
        for (int y = 0; y < n; y++) {
            for (int x = 0; x < n; x++) {
                double v = 110 + 50 * StrictMath.sin(x / 37.0) * StrictMath.cos(y / 23.0)
                        + 40 * StrictMath.sin((x + 2 * y) / 71.0) + 60 * StrictMath.exp(-((x - 300) * (x - 300)
                        + (y - 200) * (y - 200)) / 6000.0) + (x - y) / 16.0 + r.nextGaussian() * 4;
                b.write((int) Math.max(0, Math.min(255, v)));
            }
        }
        return b.toByteArray();
    }

    /** Chapters of prose paragraphs, some with dialogue, wrapped at 70 columns, CRLF line ends. */
    static String book() {
        Random r = new Random(0x1207_0003L);
        StringBuilder s = new StringBuilder(BOOK_BYTES + 4096);
        s.append("THE LANTERN ON THE NORTH SHORE\r\n\r\nA generated novel in many short chapters\r\n\r\n\r\n");
        int chapter = 0;
        while (s.length() < BOOK_BYTES * 0.967) { // UTF-8 adds a little over the char count
            if (r.nextInt(25) == 0 || chapter == 0) {
                s.append("\r\n\r\nCHAPTER ").append(roman(++chapter)).append(".\r\n\r\n");
            }
            StringBuilder p = new StringBuilder();
            for (int i = 0, n = 2 + r.nextInt(6); i < n; i++) {
                p.append(i == 0 ? "" : " ");
                String said = sentence(r);
                p.append(r.nextInt(6) == 0 ? "“" + said.substring(0, said.length() - 1) + ",” said " + pick(r, FIRST) + "." : said);
            }
            wrap(s, p.toString(), 70);
            s.append("\r\n");
        }
        return s.toString();
    }

    /** An encyclopedia-like article page. */
    static String html() {
        Random r = new Random(0x1207_0004L);
        StringBuilder s = new StringBuilder(HTML_CHARS + 4096);
        s.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(title(r)).append(" – Synthetic Encyclopedia</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/static/site.css?v=").append(hex(r, 10)).append("\">\n<style>\n");
        for (String c : new String[] {"body", "h1", "h2", ".infobox", ".wikitable", ".navbox", "#content", ".reflist"}) {
            s.append(c).append(" { margin: ").append(r.nextInt(20)).append("px; padding: ").append(r.nextInt(12))
                    .append("px; font-size: ").append(80 + r.nextInt(60)).append("%; color: #").append(hex(r, 6)).append("; }\n");
        }
        s.append("</style>\n</head>\n<body class=\"skin-vector\">\n<div id=\"content\" class=\"mw-body\" role=\"main\">\n")
                .append("<h1 id=\"firstHeading\" class=\"firstHeading\">").append(title(r)).append("</h1>\n");
        for (int section = 1; s.length() < HTML_CHARS - 200; section++) {
            String t = title(r);
            s.append("<h2><span class=\"mw-headline\" id=\"").append(t.replace(' ', '_')).append("\">").append(t)
                    .append("</span></h2>\n");
            for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) {
                s.append("<p>").append(linked(r)).append("</p>\n");
            }
            switch (section % 3) {
                case 0 -> table(r, s);
                case 1 -> {
                    s.append("<ul>\n");
                    for (int i = 0, n = 2 + r.nextInt(5); i < n; i++) {
                        s.append("<li><a href=\"/wiki/").append(ascii(pick(r, CITIES))).append("\" title=\"")
                                .append(pick(r, CITIES)).append("\">").append(sentence(r)).append("</a></li>\n");
                    }
                    s.append("</ul>\n");
                }
                default -> { }
            }
        }
        return s.append("</div>\n<script>window.pageConfig = {\"wgPageId\": ").append(r.nextInt(1 << 24))
                .append(", \"wgRevision\": \"").append(hex(r, 16)).append("\"};</script>\n</body>\n</html>\n").toString();
    }

    /**
     * A PDF-like file: header, a font object, pages whose content streams are plain text operators,
     * every third page with a DCT-like image and every fifth with a flate-like stream (random bytes:
     * already-compressed data does not compress again), then a cross-reference table.
     */
    static byte[] pdf() {
        Random r = new Random(0x1207_0005L);
        Pdf pdf = new Pdf();
        pdf.raw("%PDF-1.5\n%\u00e2\u00e3\u00cf\u00d3\n");
        pdf.object(1, "<< /Type /Catalog /Pages 2 0 R >>");
        pdf.object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>");
        List<Integer> pages = new ArrayList<>();
        int next = 4;
        while (pdf.size() < PDF_BYTES - 2000) {
            int page = next++;
            int content = next++;
            int image = pages.size() % 3 == 2 ? next++ : 0;
            pdf.object(page, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >>"
                    + (image > 0 ? " /XObject << /Im" + image + " " + image + " 0 R >>" : "") + " >> /Contents "
                    + content + " 0 R >>");
            pdf.stream(content, "", pageText(r, image));
            if (image > 0) {
                byte[] jpeg = random(r, 12_000 + r.nextInt(30_000));
                jpeg[0] = (byte) 0xff; // a JPEG starts with SOI and APP0
                jpeg[1] = (byte) 0xd8;
                pdf.stream(image, "/Type /XObject /Subtype /Image /Width 640 /Height 480 /ColorSpace /DeviceRGB "
                        + "/BitsPerComponent 8 /Filter /DCTDecode", jpeg);
            }
            if (pages.size() % 5 == 4) {
                pdf.stream(next++, "/Filter /FlateDecode", random(r, 4_000 + r.nextInt(12_000)));
            }
            pages.add(page);
        }
        StringBuilder kids = new StringBuilder();
        pages.forEach(p -> kids.append(p).append(" 0 R "));
        pdf.object(2, "<< /Type /Pages /Count " + pages.size() + " /Kids [" + kids.toString().trim() + "] >>");
        return pdf.finish(next);
    }

    private static byte[] pageText(Random r, int image) {
        StringBuilder t = new StringBuilder("BT\n/F1 11 Tf\n14 TL\n72 720 Td\n");
        for (int line = 0, n = 20 + r.nextInt(25); line < n; line++) {
            String words = asciiSentence(r);
            t.append('(').append(words.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")).append(") Tj T*\n");
        }
        t.append("ET\n");
        if (image > 0) {
            t.append("q 320 0 0 240 146 80 cm /Im").append(image).append(" Do Q\n");
        }
        return t.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A sentence of 6 to 18 words, frequent words more likely; now and then a non-ASCII word. */
    static String sentence(Random r) {
        StringBuilder s = new StringBuilder();
        for (int i = 0, n = 6 + r.nextInt(13); i < n; i++) {
            String w = r.nextInt(30) == 0 ? pick(r, FOREIGN) : WORDS[(int) (WORDS.length * StrictMath.pow(r.nextDouble(), 2.2))];
            if (i == 0) {
                w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
            } else {
                s.append(i > 2 && r.nextInt(8) == 0 ? (r.nextInt(4) == 0 ? " — " : ", ") : " ");
            }
            s.append(w);
        }
        return s.append(r.nextInt(10) == 0 ? '?' : '.').toString();
    }

    private static String asciiSentence(Random r) {
        return ascii(sentence(r).replace("—", "-")).replace('_', ' ');
    }

    private static String linked(Random r) {
        StringBuilder p = new StringBuilder();
        for (int i = 0, n = 2 + r.nextInt(5); i < n; i++) {
            String s = sentence(r);
            if (r.nextInt(3) == 0) {
                int cut = s.indexOf(' ');
                String word = cut > 0 ? s.substring(0, cut) : s;
                s = "<a href=\"/wiki/" + ascii(word) + "\" title=\"" + word + "\">" + word + "</a>" + (cut > 0 ? s.substring(cut) : "");
            }
            p.append(i == 0 ? "" : " ").append(r.nextInt(7) == 0 ? "<b>" + s + "</b>" : s);
        }
        return p.toString();
    }

    private static void table(Random r, StringBuilder s) {
        s.append("<table class=\"wikitable sortable\">\n<tr><th>Year</th><th>City</th><th>Population</th><th>Change</th></tr>\n");
        for (int i = 0, n = 4 + r.nextInt(10); i < n; i++) {
            s.append("<tr><td>").append(1900 + r.nextInt(120)).append("</td><td>").append(pick(r, CITIES))
                    .append("</td><td style=\"text-align:right\">").append(String.format(Locale.ROOT, "%,d", r.nextInt(3_000_000)))
                    .append("</td><td>").append(r.nextBoolean() ? "+" : "−").append(r.nextInt(40)).append(" %</td></tr>\n");
        }
        s.append("</table>\n");
    }

    private static String title(Random r) {
        StringBuilder t = new StringBuilder();
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
            String w = WORDS[60 + r.nextInt(WORDS.length - 60)];
            t.append(i == 0 ? "" : " ").append(Character.toUpperCase(w.charAt(0))).append(w.substring(1));
        }
        return t.toString();
    }

    private static void wrap(StringBuilder out, String text, int width) {
        int col = 0;
        for (String w : text.split(" ")) {
            if (col > 0 && col + 1 + w.length() > width) {
                out.append("\r\n");
                col = 0;
            } else if (col > 0) {
                out.append(' ');
                col++;
            }
            out.append(w);
            col += w.length();
        }
        out.append("\r\n");
    }

    private static void field(StringBuilder s, String name, String value) {
        s.append("      \"").append(name).append("\": ").append(value).append(",\n");
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    /** Lower-case ASCII letters of {@code s} (accents dropped), for e-mail addresses and URLs. */
    private static String ascii(String s) {
        String plain = java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFD);
        StringBuilder b = new StringBuilder();
        for (char c : plain.toCharArray()) {
            if (c < 128 && (Character.isLetterOrDigit(c) || c == ' ' || c == '.' || c == ',' || c == '?' || c == '-')) {
                b.append(c == ' ' ? '_' : Character.toLowerCase(c));
            }
        }
        return b.isEmpty() ? "x" : b.toString();
    }

    private static String hex(Random r, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = HEX[r.nextInt(16)];
        }
        return new String(c);
    }

    private static byte[] random(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    private static String pick(Random r, String[] from) {
        return from[r.nextInt(from.length)];
    }

    private static String roman(int n) {
        String[] tens = {"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"};
        String[] ones = {"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"};
        return "C".repeat(n / 100) + tens[n / 10 % 10] + ones[n % 10];
    }

    private static void le(ByteArrayOutputStream b, int v, int bytes) {
        for (int i = 0; i < bytes; i++) {
            b.write(v >>> (8 * i));
        }
    }

    /** Writes PDF objects and remembers their offsets for the cross-reference table. */
    private static final class Pdf {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(PDF_BYTES + 65536);
        private final java.util.Map<Integer, Integer> offsets = new java.util.TreeMap<>();

        int size() {
            return out.size();
        }

        void raw(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
        }

        void object(int number, String body) {
            offsets.put(number, out.size());
            raw(number + " 0 obj\n" + body + "\nendobj\n");
        }

        void stream(int number, String dict, byte[] data) {
            offsets.put(number, out.size());
            raw(number + " 0 obj\n<< " + dict + (dict.isEmpty() ? "" : " ") + "/Length " + data.length + " >>\nstream\n");
            out.writeBytes(data);
            raw("\nendstream\nendobj\n");
        }

        byte[] finish(int objects) {
            int xref = out.size();
            StringBuilder x = new StringBuilder("xref\n0 ").append(objects).append("\n0000000000 65535 f \n");
            for (int i = 1; i < objects; i++) {
                x.append(String.format(Locale.ROOT, "%010d 00000 n \n", offsets.getOrDefault(i, 0)));
            }
            x.append("trailer\n<< /Size ").append(objects).append(" /Root 1 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
            raw(x.toString());
            return out.toByteArray();
        }
    }
}
