package io.switchboard.conformance.autobahn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the block format of {@code autobahn/cases.txt} (documented at the top of that file) into
 * {@link CaseSpec}s. Errors name the line, since the file is edited by hand.
 */
final class CatalogParser {
    private CatalogParser() {
    }

    static List<CaseSpec> parse(String text) {
        List<CaseSpec> out = new ArrayList<>();
        Builder b = null;
        String[] lines = text.split("\n");
        for (int n = 0; n < lines.length; n++) {
            String line = lines[n].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                if (line.startsWith("case ")) {
                    if (b != null) {
                        out.add(b.build());
                    }
                    int bar = line.indexOf('|');
                    b = new Builder(line.substring(5, bar).strip(), line.substring(bar + 1).strip());
                } else if (b == null) {
                    throw new IllegalArgumentException("statement before the first case");
                } else {
                    b.statement(line);
                }
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cases.txt line " + (n + 1) + ": " + e.getMessage() + ": " + line, e);
            }
        }
        if (b != null) {
            out.add(b.build());
        }
        return out;
    }

    private static final class Builder {
        final String id;
        final String description;
        final List<Step> steps = new ArrayList<>();
        final Map<String, List<Event>> expected = new LinkedHashMap<>();
        CloseExpectation close;
        boolean wrongCodeFatal;
        boolean informational;

        Builder(String id, String description) {
            this.id = id;
            this.description = description;
        }

        CaseSpec build() {
            if (close == null) {
                throw new IllegalArgumentException("case " + id + " has no closed-by line");
            }
            return new CaseSpec(id, description, steps, expected, close, wrongCodeFatal, informational, null);
        }

        void statement(String line) {
            List<String> t = tokens(line);
            String verb = t.get(0);
            switch (verb) {
                case "frame" -> steps.add(frame(t));
                case "message" -> steps.add(new Step.Message(t.get(1).equals("binary"), payload(t.get(2)),
                        t.size() > 3 ? Integer.parseInt(option(t.get(3), "frag")) : 0));
                case "close" -> steps.add(new Step.Close(t.get(1).equals("none") ? null : Integer.valueOf(t.get(1)),
                        t.size() > 2 ? payload(t.get(2)) : null));
                case "wait" -> steps.add(new Step.Wait(Double.parseDouble(t.get(1)), t.size() > 2 ? t.get(2) : null));
                case "begin-frame" -> steps.add(new Step.BeginFrame(Integer.parseInt(option(t.get(1), "op")),
                        Integer.parseInt(option(t.get(2), "len"))));
                case "data" -> steps.add(new Step.Data(payload(t.get(1))));
                case "kill-after" -> steps.add(new Step.KillAfter(Double.parseDouble(t.get(1))));
                case "close-after" -> steps.add(new Step.CloseAfter(Double.parseDouble(t.get(1))));
                case "expect" -> expect(line);
                case "closed-by" -> close = closedBy(t);
                case "wrong-code-fatal" -> wrongCodeFatal = true;
                case "informational" -> informational = true;
                default -> throw new IllegalArgumentException("unknown statement '" + verb + "'");
            }
        }

        private static Step frame(List<String> t) {
            int op = -1;
            boolean fin = true;
            boolean sync = false;
            int rsv = 0;
            int chop = 0;
            byte[] payload = null;
            for (String tok : t.subList(1, t.size())) {
                if (tok.startsWith("op=")) {
                    op = Integer.parseInt(tok.substring(3));
                } else if (tok.startsWith("fin=")) {
                    fin = !tok.equals("fin=0");
                } else if (tok.startsWith("rsv=")) {
                    rsv = Integer.parseInt(tok.substring(4));
                } else if (tok.startsWith("chop=")) {
                    chop = Integer.parseInt(tok.substring(5));
                } else if (tok.equals("sync")) {
                    sync = true;
                } else {
                    payload = payload(tok);
                }
            }
            if (op < 0 || payload == null) {
                throw new IllegalArgumentException("a frame needs op= and a payload");
            }
            return new Step.Frame(op, fin, rsv, payload, chop, sync);
        }

        /** {@code expect OUTCOME: EVENT; EVENT ...}, each event {@code text|binary|ping|pong PAYLOAD} or {@code timeout TAG}. */
        private void expect(String line) {
            int colon = line.indexOf(':');
            String outcome = line.substring("expect".length(), colon).strip();
            List<Event> events = new ArrayList<>();
            for (String ev : splitEvents(line.substring(colon + 1))) {
                List<String> t = tokens(ev);
                events.add(switch (t.get(0)) {
                    case "text" -> Event.message(false, payload(t.get(1)));
                    case "binary" -> Event.message(true, payload(t.get(1)));
                    case "ping" -> new Event(Event.Kind.PING, false, payload(t.get(1)));
                    case "pong" -> new Event(Event.Kind.PONG, false, payload(t.get(1)));
                    case "timeout" -> Event.timeout(t.get(1));
                    default -> throw new IllegalArgumentException("unknown event '" + t.get(0) + "'");
                });
            }
            expected.put(outcome, events);
        }

        private static CloseExpectation closedBy(List<String> t) {
            boolean me = t.get(1).equals("me");
            List<Integer> codes = Arrays.stream(option(t.get(2), "codes").split(",")).map(Integer::valueOf).toList();
            return new CloseExpectation(me, codes, t.contains("clean"), t.contains("wrong-endpoint-fatal"));
        }
    }

    private static String option(String token, String name) {
        if (!token.startsWith(name + "=")) {
            throw new IllegalArgumentException("expected " + name + "=..., got " + token);
        }
        return token.substring(name.length() + 1);
    }

    /** Splits on ';' outside quotes. */
    private static List<String> splitEvents(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ';' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out.stream().map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    /** Splits on blanks outside quotes; quotes stay in the tokens. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : s.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (Character.isWhitespace(c) && !quoted) {
                if (!cur.isEmpty()) {
                    out.add(cur.toString());
                    cur.setLength(0);
                }
            } else {
                cur.append(c);
            }
        }
        if (!cur.isEmpty()) {
            out.add(cur.toString());
        }
        return out;
    }

    /** {@code "ascii"}, {@code x:HEX}, or {@code N*UNIT} (UNIT repeated and cut to N bytes). */
    static byte[] payload(String tok) {
        int star = tok.indexOf('*');
        if (star > 0 && tok.substring(0, star).chars().allMatch(Character::isDigit)) {
            return repeat(payload(tok.substring(star + 1)), Integer.parseInt(tok.substring(0, star)));
        }
        if (tok.startsWith("x:")) {
            return HexFormat.of().parseHex(tok.substring(2));
        }
        if (tok.length() >= 2 && tok.startsWith("\"") && tok.endsWith("\"")) {
            return tok.substring(1, tok.length() - 1).getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("bad payload '" + tok + "'");
    }

    /** {@code unit} repeated to exactly {@code length} bytes (the last copy cut short). */
    static byte[] repeat(byte[] unit, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = unit[i % unit.length];
        }
        return out;
    }
}
