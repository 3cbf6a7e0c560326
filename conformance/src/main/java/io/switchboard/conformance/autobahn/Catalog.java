package io.switchboard.conformance.autobahn;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole case catalogue, in id order: sections 1-7 and 10 from {@code autobahn/cases.txt},
 * the 132 UTF-8 cases 6.5-6.23 from {@code autobahn/utf8-samples.txt}, and the generated limit
 * and performance cases (9.x, see {@link LimitCases}) and permessage-deflate cases (12.x, 13.x).
 *
 * <p>Both data files are class-path resources of this module (the format is explained at the top
 * of each); nothing outside the jar is read.
 */
public final class Catalog {
    private static final double UTF8_KILL_SECONDS = 0.5;
    private static volatile List<CaseSpec> all;

    private Catalog() {
    }

    /** Every case, sorted by id (loaded once). */
    public static List<CaseSpec> all() {
        List<CaseSpec> cases = all;
        if (cases == null) {
            List<CaseSpec> list = new ArrayList<>(CatalogParser.parse(resource("autobahn/cases.txt")));
            list.addAll(utf8Cases());
            list.addAll(LimitCases.section9());
            list.addAll(LimitCases.deflateSections());
            list.sort((a, b) -> CaseIds.ORDER.compare(a.id(), b.id()));
            all = cases = List.copyOf(list);
        }
        return cases;
    }

    /** The cases selected by include/exclude patterns (see {@link CaseIds#selected}), in id order. */
    public static List<CaseSpec> select(List<String> include, List<String> exclude) {
        return all().stream().filter(c -> CaseIds.selected(c.id(), include, exclude)).toList();
    }

    /** The case with this id. */
    public static CaseSpec get(String id) {
        return all().stream().filter(c -> c.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no case " + id));
    }

    /**
     * 6.5-6.23: each sample is one unfragmented text frame with a 0.5 s kill timer. Valid samples
     * must be echoed and closed by the fuzzer with 1000; invalid ones must make the peer fail the
     * connection with 1007 (if the fuzzer has to close, the peer never noticed: FAILED).
     */
    static List<CaseSpec> utf8Cases() {
        List<CaseSpec> out = new ArrayList<>();
        for (String line : resource("autobahn/utf8-samples.txt").split("\n")) {
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\\s+");
            boolean valid = f[1].equals("valid");
            byte[] payload = HexFormat.of().parseHex(f[2]);
            List<Step> steps = List.of(new Step.Message(false, payload, 0), new Step.KillAfter(UTF8_KILL_SECONDS));
            Map<String, List<Event>> expected = new LinkedHashMap<>();
            expected.put(Verdicts.OK, valid ? List.of(Event.message(false, payload)) : List.of());
            CloseExpectation close = valid ? CloseExpectation.normal()
                    : new CloseExpectation(false, List.of(1007), false, true);
            String desc = (valid ? "Valid" : "Invalid") + " UTF-8 sample " + f[2].substring(0, Math.min(f[2].length(), 24))
                    + (f[2].length() > 24 ? "..." : "") + " in one text frame" + (valid ? " is echoed" : " fails with 1007");
            out.add(new CaseSpec(f[0], desc, steps, expected, close, false, false, null));
        }
        return out;
    }

    static String resource(String name) {
        try (InputStream in = Catalog.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing class-path resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
