package io.switchboard.conformance.autobahn;

/**
 * Runs a case's {@link CaseSpec.Check}, the judges of the limit, performance and compression
 * cases, which decide {@code behavior} themselves instead of comparing event lists.
 */
final class CheckRunner {
    private final Fuzzer fuzzer;
    private int echoes;

    CheckRunner(Fuzzer fuzzer) {
        this.fuzzer = fuzzer;
    }

    /** At open: a check starts FAILED ("nothing came back in time") until proven otherwise. */
    void onOpen() {
        Outcome out = fuzzer.out;
        switch (fuzzer.spec.check()) {
            case null -> { }
            case CaseSpec.EchoLength e -> fail("no message came back within " + secs(e.waitSeconds()));
            case CaseSpec.RoundTrips r -> {
                fail("not all " + r.count() + " echoes came back within " + secs(r.waitSeconds()));
                fuzzer.writer.message(r.binary(), r.payload(), 0);
            }
            case CaseSpec.Deflate d -> {
                if (!out.extensions.toLowerCase(java.util.Locale.ROOT).contains("permessage-deflate")) {
                    out.checkBehavior = Verdicts.UNIMPLEMENTED;
                    out.checkResult = "the server did not accept permessage-deflate";
                } else {
                    out.checkBehavior = Verdicts.UNIMPLEMENTED;
                    out.checkResult = "the server accepted permessage-deflate (" + out.extensions
                            + "), but this version of the suite cannot compress yet";
                }
                fuzzer.sendClose(1000, null, false, true);
            }
        }
    }

    void onMessage(boolean binary, byte[] payload) {
        switch (fuzzer.spec.check()) {
            case CaseSpec.EchoLength e -> {
                if (binary != e.binary() || payload.length != e.length()) {
                    fail("expected a " + kind(e.binary()) + " message of " + e.length() + " bytes, got a "
                            + kind(binary) + " message of " + payload.length);
                } else {
                    pass("received a " + kind(binary) + " message of " + payload.length + " bytes");
                }
                fuzzer.sendClose(1000, null, false, true);
            }
            case CaseSpec.RoundTrips r -> {
                if (binary != r.binary() || payload.length != r.payload().length) {
                    fail("echo " + (echoes + 1) + " differs in type or length: " + kind(binary) + ", " + payload.length + " bytes");
                    fuzzer.sendClose(1000, null, false, true);
                } else if (++echoes < r.count()) {
                    fuzzer.writer.message(r.binary(), r.payload(), 0);
                    fuzzer.writer.flush();
                } else {
                    pass("all " + r.count() + " echoes came back");
                    fuzzer.sendClose(1000, null, false, true);
                }
            }
            default -> { } // a deflate case closes at once; anything later is ignored
        }
    }

    private void fail(String why) {
        fuzzer.out.checkBehavior = Verdicts.FAILED;
        fuzzer.out.checkResult = why;
    }

    private void pass(String why) {
        fuzzer.out.checkBehavior = Verdicts.OK;
        fuzzer.out.checkResult = why;
    }

    private static String kind(boolean binary) {
        return binary ? "binary" : "text";
    }

    private static String secs(double s) {
        return (s == Math.floor(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
    }
}
