package io.switchboard.tunnel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * A backend's HTTP response head, read byte-exact so nothing after it is lost: bytes the backend
 * sent right after its 101 (already WebSocket frames) are kept in {@link #leftover}.
 *
 * @param raw      the head, status line to the blank line inclusive, relayed verbatim
 * @param status   the status code
 * @param leftover bytes read past the head
 */
record ResponseHead(byte[] raw, int status, byte[] leftover) {
    /** A head larger than this is refused (nginx and HAProxy cap theirs near here too). */
    static final int MAX_HEAD = 16 * 1024;

    /** The most of a refused upgrade's body that is relayed to the client. */
    static final int MAX_BODY = 1024 * 1024;

    /**
     * Reads until the first CRLFCRLF (a blocking dial).
     *
     * @throws IOException on EOF before a full head, an oversize head or a malformed status line
     */
    static ResponseHead read(InputStream in) throws IOException {
        Gatherer gatherer = new Gatherer();
        byte[] chunk = new byte[2048];
        while (true) {
            int n = in.read(chunk);
            if (n < 0) {
                throw new IOException("connection closed before a full response head");
            }
            ResponseHead head = gatherer.add(chunk, n);
            if (head != null) {
                return head;
            }
        }
    }

    /**
     * Gathers a head from reads of any size (a read may also hold frames or body bytes after the
     * head: they become the {@link #leftover}). The blocking dial and the loop's dial both use it.
     */
    static final class Gatherer {
        /** A head that came in more than one read; none while the first read may hold it all. */
        private HeadBytes gathered;

        /**
         * Adds the first {@code n} bytes of {@code b} (the caller may reuse {@code b} afterwards).
         *
         * @return the head once its blank line has arrived, else null
         * @throws IOException when the head passes {@link #MAX_HEAD} bytes, or its status line is malformed
         */
        ResponseHead add(byte[] b, int n) throws IOException {
            if (gathered == null) {
                // the usual case: the whole head in one read, taken straight from the caller's bytes
                int end = indexOfBlankLine(b, 0, Math.min(n, MAX_HEAD));
                if (end > 0) {
                    return complete(b, end, n);
                }
                gathered = new HeadBytes();
            }
            int end = gathered.append(b, n, MAX_HEAD);
            if (end < 0) {
                if (gathered.length() >= MAX_HEAD) {
                    throw new IOException("response head larger than " + MAX_HEAD + " bytes");
                }
                return null;
            }
            return complete(gathered.bytes(), end, gathered.length());
        }

        private static ResponseHead complete(byte[] bytes, int end, int length) throws IOException {
            byte[] raw = Arrays.copyOf(bytes, end);
            return new ResponseHead(raw, parseStatus(raw), Arrays.copyOfRange(bytes, end, length));
        }
    }

    /** How much of the body to relay: its {@code Content-Length}, else up to EOF, at most {@link #MAX_BODY}. */
    long bodyWanted() {
        String length = header("Content-Length");
        try {
            long wanted = length == null ? Long.MAX_VALUE : Long.parseLong(length.trim());
            return wanted < 0 ? 0 : Math.min(MAX_BODY, wanted); // a negative length is malformed too
        } catch (NumberFormatException e) {
            return 0; // a malformed length: relay the head alone rather than guess
        }
    }

    /** Where the head in {@code b[from, to)} ends (past its CRLFCRLF), or -1. */
    static int indexOfBlankLine(byte[] b, int from, int to) {
        for (int i = from; i + 3 < to; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    private static int parseStatus(byte[] raw) throws IOException {
        String head = new String(raw, 0, Math.min(raw.length, 64), StandardCharsets.ISO_8859_1);
        if (!head.startsWith("HTTP/1.") || head.length() < 12) {
            throw new IOException("malformed status line");
        }
        try {
            return Integer.parseInt(head.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("malformed status code");
        }
    }

    /** The header lines, in order, without the status line. */
    java.util.List<String> headerLines() {
        String[] lines = new String(raw, StandardCharsets.ISO_8859_1).split("\r\n");
        return java.util.Arrays.stream(lines, 1, lines.length).filter(l -> !l.isEmpty()).toList();
    }

    /**
     * Every line of a header joined as one value (RFC 9110 §5.3: repeated field lines mean a
     * comma-separated list), empty ones left out; null when there is none. For list headers whose
     * every element counts, such as {@code Sec-WebSocket-Extensions}.
     */
    String joined(String name) {
        java.util.List<String> values = values(name);
        return values.isEmpty() ? null
                : String.join(", ", values.stream().filter(v -> !v.isEmpty()).toList());
    }

    /** The value of a header in the head (first occurrence, case-insensitive name), or null. */
    String header(String name) {
        java.util.List<String> values = values(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of header {@code name} (case-insensitive), trimmed, in order. */
    private java.util.List<String> values(String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        return headerLines().stream().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(prefix))
                .map(l -> l.substring(prefix.length()).trim()).toList();
    }
}
