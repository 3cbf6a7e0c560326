package io.switchboard.conformance.autobahn;

/**
 * Runs a case's {@link CaseSpec.Check}, the judges of the limit, performance and compression
 * cases, which decide {@code behavior} themselves instead of comparing event lists.
 */
final class CheckRunner {
    private final Fuzzer fuzzer;
    private int echoes;
    /** The compression case's judge once permessage-deflate was agreed; else null. */
    private DeflateRoundTrips deflate;

    CheckRunner(Fuzzer fuzzer) {
        this.fuzzer = fuzzer;
    }

    /** At open: a check starts FAILED ("nothing came back in time") until proven otherwise. */
    void onOpen() {
        switch (fuzzer.spec.check()) {
            case null -> { }
            case CaseSpec.EchoLength e -> fail("no message came back within " + secs(e.waitSeconds()));
            case CaseSpec.RoundTrips r -> {
                fail("not all " + r.count() + " echoes came back within " + secs(r.waitSeconds()));
                fuzzer.writer.message(r.binary(), r.payload(), 0);
            }
            case CaseSpec.Deflate d -> startDeflate(d);
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
            case CaseSpec.Deflate d -> {
                if (deflate != null) {
                    deflate.onEcho(binary, payload);
                } // else the case was decided at open and the fuzzer is closing
            }
            case null -> { }
        }
    }

    /** The fuzzer is failing the connection because of something the server sent. */
    void onFuzzerFailed(String reason) {
        if (deflate != null) {
            deflate.onFuzzerFailed(reason);
        }
    }

    /** The connection is over (on the event loop, before the outcome is judged). */
    void onClosed() {
        if (deflate != null) {
            deflate.onClosed();
        }
    }

    /**
     * 12.x/13.x at open: UNIMPLEMENTED when the server declined permessage-deflate; FAILED when
     * its answer obliges the client to fail the connection (RFC 7692 §7.1: a parameter not
     * offered, unknown, repeated or out of range); otherwise the round trips start.
     */
    private void startDeflate(CaseSpec.Deflate d) {
        Outcome out = fuzzer.out;
        if (fuzzer.deflateRefusal() != null) {
            fail("the server's permessage-deflate answer must fail the connection (RFC 7692 §7.1): " + fuzzer.deflateRefusal());
            fuzzer.failConnection(io.switchboard.ws.CloseCodes.PROTOCOL_ERROR, "invalid permessage-deflate response");
        } else if (fuzzer.deflateParams() == null) {
            out.checkBehavior = Verdicts.UNIMPLEMENTED;
            out.checkResult = "the server did not accept permessage-deflate";
            fuzzer.sendClose(1000, null, false, true);
        } else {
            deflate = new DeflateRoundTrips(fuzzer, d, fuzzer.deflateParams(), out.traffic);
            deflate.start();
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
