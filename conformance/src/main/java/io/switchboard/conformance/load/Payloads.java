package io.switchboard.conformance.load;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Message bodies for the load tools. Compression figures are only worth something on data that
 * looks like what WebSocket applications send, so the default is JSON-like text: an object of
 * market-feed / chat-event style fields (ids, user names, timestamps, prices, symbols, flags, a
 * short array) with pseudo-random values, closed by a {@code "nonce"} string of random letters
 * that pads it to the exact size. Level-1 deflate takes such a 16 KiB message to about a quarter
 * of its size (0.23) and a 64 B one to about its own size (too short for back-references), which
 * is realistic for small events. {@link #random} gives incompressible binary bodies instead.
 *
 * <p>Every call with the same arguments returns the same bytes (seeded), so runs are comparable.
 */
public final class Payloads {
    private static final String[] SYMBOLS = {"ACME", "GLOBX", "INIT", "UMBR", "SOYL", "WAYN", "STRK", "CYBD"};
    private static final String[] EVENTS = {"quote", "trade", "join", "leave", "message", "typing", "ack"};
    private static final String[] ROOMS = {"general", "random", "support", "eng-backend", "ops", "sales-emea"};
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

    /** What the messages contain. */
    public enum Kind {
        /** JSON-like ASCII text, sent as TEXT frames. */
        JSON,
        /** Uniformly random bytes, sent as BINARY frames. */
        RANDOM;

        /** Parses {@code json} or {@code random}. */
        public static Kind of(String s) {
            return switch (s) {
                case "json" -> JSON;
                case "random" -> RANDOM;
                default -> throw new IllegalArgumentException("payload must be json or random; got " + s);
            };
        }

        /** How the output names it. */
        public String describe() {
            return this == JSON ? "JSON-like text (TEXT frames)" : "random bytes (BINARY frames)";
        }
    }

    private Payloads() {
    }

    /** {@code count} distinct messages of exactly {@code size} bytes each. */
    public static byte[][] of(Kind kind, int size, int count) {
        return kind == Kind.JSON ? json(size, count) : random(size, count);
    }

    /** {@code count} JSON-like ASCII messages of exactly {@code size} bytes (at least 2). */
    public static byte[][] json(int size, int count) {
        if (size < 2) {
            throw new IllegalArgumentException("a JSON-like message needs at least 2 bytes");
        }
        Random r = new Random(31L * size + count);
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            out[i] = oneJson(r, size, i);
        }
        return out;
    }

    /** {@code count} messages of {@code size} random bytes. */
    public static byte[][] random(int size, int count) {
        Random r = new Random(size);
        byte[][] out = new byte[count][size];
        for (byte[] b : out) {
            r.nextBytes(b);
        }
        return out;
    }

    /**
     * {@code {"seq":N,"events":[{...},{...}],"nonce":"..."}}: as many events as fit (the last one
     * possibly with fewer fields), then the nonce of random letters takes up the rest.
     */
    private static byte[] oneJson(Random r, int size, int seq) {
        String close = ",\"nonce\":\"\"}";
        StringBuilder b = new StringBuilder(size + 128).append("{\"seq\":").append(seq);
        if (b.length() + ",\"events\":[]".length() + close.length() < size) {
            b.append(",\"events\":[");
            long ts = 1_732_370_000_000L + r.nextInt(86_400_000);
            boolean first = true;
            boolean full = false;
            while (!full) {
                StringBuilder e = new StringBuilder("{");
                for (int f = 0; f < 9; f++) {
                    String kv = (f == 0 ? "" : ",") + field(r, f, ts);
                    // room for this field, the event's "}", the array's "]" and the closing nonce field
                    if (b.length() + (first ? 0 : 1) + e.length() + kv.length() + 2 + close.length() > size) {
                        full = true;
                        break;
                    }
                    e.append(kv);
                }
                if (e.length() > 1) {
                    b.append(first ? "" : ",").append(e).append('}');
                    first = false;
                }
                ts += 1 + r.nextInt(250);
            }
            b.append(']');
        }
        int letters = size - b.length() - close.length();
        if (letters >= 0) {
            b.append(",\"nonce\":\"");
            for (int k = 0; k < letters; k++) {
                b.append(LETTERS.charAt(r.nextInt(LETTERS.length())));
            }
            b.append("\"}");
        } else { // too small for a nonce field: pad with spaces
            b.setLength(Math.min(b.length(), size - 1));
            while (b.length() < size - 1) {
                b.append(' ');
            }
            b.append('}');
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.US_ASCII);
        if (bytes.length != size) {
            throw new IllegalStateException("built " + bytes.length + " bytes, wanted " + size);
        }
        return bytes;
    }

    /** Field {@code i} (0..8) of an event, with a pseudo-random value. */
    private static String field(Random r, int i, long ts) {
        return switch (i) {
            case 0 -> "\"type\":\"" + EVENTS[r.nextInt(EVENTS.length)] + "\"";
            case 1 -> "\"user\":\"u" + (100_000 + r.nextInt(900_000)) + "\"";
            case 2 -> "\"ts\":" + ts;
            case 3 -> "\"symbol\":\"" + SYMBOLS[r.nextInt(SYMBOLS.length)] + "\"";
            case 4 -> String.format(java.util.Locale.ROOT, "\"price\":%d.%02d", 50 + r.nextInt(200), r.nextInt(100));
            case 5 -> "\"qty\":" + (1 + r.nextInt(5000));
            case 6 -> "\"room\":\"" + ROOMS[r.nextInt(ROOMS.length)] + "\"";
            case 7 -> "\"flags\":{\"edited\":" + r.nextBoolean() + ",\"pinned\":" + r.nextBoolean() + "}";
            default -> "\"levels\":[" + (r.nextInt(900) + 100) + "," + (r.nextInt(900) + 100) + "," + (r.nextInt(900) + 100) + "]";
        };
    }
}
