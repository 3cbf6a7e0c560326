package io.switchboard.conformance.autobahn;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The generated cases: section 9 (limits and performance: messages up to 16 MiB, fragmented
 * and TCP-chopped, 1000 sequential round trips) and sections 12-13 (permessage-deflate).
 * Their parameters are regular, so they are tables here rather than lines in {@code cases.txt}.
 */
final class LimitCases {
    private static final byte[] TEXT_UNIT = "BAsd7&jh23".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BINARY_UNIT = {0x00, (byte) 0xfe, 0x23, (byte) 0xfa, (byte) 0xf0};
    private static final byte[] STAR = {'*'};
    private static final byte[] FE = {(byte) 0xfe};
    private static final int[] BIG_SIZES = {65536, 262144, 1 << 20, 4 << 20, 8 << 20, 16 << 20};
    private static final int[] FRAGMENTS = {64, 256, 1024, 4096, 16384, 65536, 262144, 1 << 20, 4 << 20};
    private static final int[] CHOPS = {64, 128, 256, 512, 1024, 2048};
    private static final int[] ROUND_TRIP_SIZES = {0, 16, 64, 256, 1024, 4096};
    private static final double[] ROUND_TRIP_WAIT = {60, 60, 60, 120, 240, 480};
    private static final int FRAGMENTED_SIZE = 4 << 20;
    private static final int CHOPPED_SIZE = 1 << 20;

    private LimitCases() {
    }

    static List<CaseSpec> section9() {
        List<CaseSpec> out = new ArrayList<>();
        double[] textWait = {10, 10, 100, 100, 100, 100};
        double[] binaryWait = {10, 10, 10, 10, 100, 100};
        for (int i = 0; i < BIG_SIZES.length; i++) {
            int n = BIG_SIZES[i];
            out.add(echo("9.1." + (i + 1), "Text message of " + size(n) + " in one frame is echoed",
                    new Step.Frame(1, true, 0, CatalogParser.repeat(TEXT_UNIT, n), 0, false), false, n, textWait[i]));
            out.add(echo("9.2." + (i + 1), "Binary message of " + size(n) + " in one frame is echoed",
                    new Step.Frame(2, true, 0, CatalogParser.repeat(BINARY_UNIT, n), 0, false), true, n, binaryWait[i]));
        }
        for (int i = 0; i < FRAGMENTS.length; i++) {
            int f = FRAGMENTS[i];
            out.add(echo("9.3." + (i + 1), "Text message of 4 MiB in fragments of " + size(f) + " is echoed",
                    new Step.Message(false, CatalogParser.repeat(STAR, FRAGMENTED_SIZE), f), false, FRAGMENTED_SIZE, 100));
            // the reference suite fills 9.4.1 with 0xfe and the other 9.4.x with '*'; kept as is
            byte[] unit = i == 0 ? FE : STAR;
            out.add(echo("9.4." + (i + 1), "Binary message of 4 MiB in fragments of " + size(f) + " is echoed",
                    new Step.Message(true, CatalogParser.repeat(unit, FRAGMENTED_SIZE), f), true, FRAGMENTED_SIZE, 100));
        }
        for (int i = 0; i < CHOPS.length; i++) {
            int c = CHOPS[i];
            out.add(echo("9.5." + (i + 1), "Text frame of 1 MiB written in " + c + "-byte TCP pieces is echoed",
                    new Step.Frame(1, true, 0, CatalogParser.repeat(TEXT_UNIT, CHOPPED_SIZE), c, false), false, CHOPPED_SIZE, 1000));
            out.add(echo("9.6." + (i + 1), "Binary frame of 1 MiB written in " + c + "-byte TCP pieces is echoed",
                    new Step.Frame(2, true, 0, CatalogParser.repeat(BINARY_UNIT, CHOPPED_SIZE), c, false), true, CHOPPED_SIZE, 1000));
        }
        for (int i = 0; i < ROUND_TRIP_SIZES.length; i++) {
            int n = ROUND_TRIP_SIZES[i];
            double w = ROUND_TRIP_WAIT[i];
            out.add(roundTrips("9.7." + (i + 1), false, CatalogParser.repeat(STAR, n), w));
            out.add(roundTrips("9.8." + (i + 1), true, CatalogParser.repeat(FE, n), w));
        }
        return out;
    }

    private static CaseSpec echo(String id, String desc, Step send, boolean binary, long length, double wait) {
        return new CaseSpec(id, desc, List.of(send, new Step.CloseAfter(wait)), Map.of(), CloseExpectation.normal(),
                false, false, new CaseSpec.EchoLength(binary, length, wait));
    }

    private static CaseSpec roundTrips(String id, boolean binary, byte[] payload, double wait) {
        String desc = "1000 sequential round trips of " + (binary ? "binary" : "text") + " messages of " + payload.length + " bytes";
        return new CaseSpec(id, desc, List.of(new Step.CloseAfter(wait)), Map.of(), CloseExpectation.normal(),
                false, false, new CaseSpec.RoundTrips(binary, 1000, payload, wait));
    }

    /** The offers of 12.x (all) and 13.1-13.7, in the reference suite's order. */
    private static final String BASE = "permessage-deflate; client_no_context_takeover; client_max_window_bits";
    private static final List<String> OFFERS_13 = List.of(
            BASE,
            BASE + "; server_no_context_takeover",
            BASE + "; server_max_window_bits=9",
            BASE + "; server_max_window_bits=15",
            BASE + "; server_no_context_takeover; server_max_window_bits=9",
            BASE + "; server_no_context_takeover; server_max_window_bits=15",
            BASE + "; server_no_context_takeover; server_max_window_bits=9, "
                    + BASE + "; server_no_context_takeover, " + BASE);

    /** Datasets of 12.1-12.5 (synthetic look-alikes, see {@link DeflateDatasets}): name, whether sent as binary. */
    private static final List<Map.Entry<String, Boolean>> DATASETS = List.of(
            Map.entry(DeflateDatasets.JSON, false), Map.entry(DeflateDatasets.BITMAP, true),
            Map.entry(DeflateDatasets.BOOK, true), Map.entry(DeflateDatasets.HTML, false),
            Map.entry(DeflateDatasets.PDF, true));

    static List<CaseSpec> deflateSections() {
        List<CaseSpec> out = new ArrayList<>();
        for (int s = 0; s < DATASETS.size(); s++) {
            addDeflate(out, "12." + (s + 1), BASE, DATASETS.get(s).getKey(), DATASETS.get(s).getValue());
        }
        for (int s = 0; s < OFFERS_13.size(); s++) {
            addDeflate(out, "13." + (s + 1), OFFERS_13.get(s), DeflateDatasets.JSON, false);
        }
        return out;
    }

    private static void addDeflate(List<CaseSpec> out, String sub, String offer, String dataset, boolean binary) {
        int[] sizes = {16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072,
                8192, 16384, 32768, 65536, 131072, 131072, 131072, 131072};
        int[] frags = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 256, 256, 256, 256, 256, 1024, 4096, 32768};
        double[] waits = {60, 60, 120, 240};
        for (int i = 0; i < sizes.length; i++) {
            double wait = i < waits.length ? waits[i] : 480;
            String id = sub + "." + (i + 1);
            String unit = binary ? " bytes" : " characters";
            String desc = "Compressed round trips: 1000 messages of " + sizes[i] + unit + " from a " + dataset
                    + (frags[i] > 0 ? ", sent in " + frags[i] + "-byte fragments" : "") + "; offer: " + offer;
            out.add(new CaseSpec(id, desc, List.of(new Step.CloseAfter(wait)), Map.of(), CloseExpectation.normal(),
                    false, false, new CaseSpec.Deflate(offer, binary, dataset, 1000, sizes[i], frags[i], wait)));
        }
    }

    private static String size(long n) {
        return n >= 1 << 20 ? (n >> 20) + " MiB" : n >= 1024 ? (n >> 10) + " KiB" : n + " bytes";
    }
}
