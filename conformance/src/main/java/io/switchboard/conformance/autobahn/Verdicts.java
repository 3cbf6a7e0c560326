package io.switchboard.conformance.autobahn;

import java.util.List;
import java.util.Map;

/**
 * Turns an {@link Outcome} into the two verdicts of a case.
 *
 * <p>{@code behavior}: the name of the expected outcome ({@code OK}, {@code NON-STRICT}) whose
 * event list equals the received list exactly, else FAILED; cases with a {@link CaseSpec.Check}
 * take the check's verdict; informational cases are always INFORMATIONAL.
 *
 * <p>{@code behaviorClose}, checked in this order: the wrong endpoint sent the first Close:
 * FAILED; a clean close was required and did not happen: UNCLEAN; the peer's Close carried a
 * code outside the accepted list: WRONG CODE (a Close without a code, or a TCP drop, is accepted
 * whatever the list); the fuzzer had to cut TCP because the server did not: FAILED BY CLIENT;
 * otherwise OK.
 *
 * <p>Adjustments: when the expectation says the wrong endpoint is fatal (the 1007 cases), a
 * close by the wrong endpoint makes {@code behavior} FAILED (the peer never noticed the bad
 * UTF-8); in section 7, WRONG CODE makes {@code behavior} FAILED (except the informational
 * cases); a failed opening handshake makes both FAILED.
 */
public final class Verdicts {
    public static final String OK = "OK";
    public static final String NON_STRICT = "NON-STRICT";
    public static final String INFORMATIONAL = "INFORMATIONAL";
    public static final String UNIMPLEMENTED = "UNIMPLEMENTED";
    public static final String FAILED = "FAILED";
    public static final String WRONG_CODE = "WRONG CODE";
    public static final String UNCLEAN = "UNCLEAN";
    public static final String FAILED_BY_CLIENT = "FAILED BY CLIENT";

    private Verdicts() {
    }

    /**
     * The verdicts and their explanations.
     *
     * @param behavior      OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED or FAILED
     * @param behaviorClose OK, WRONG CODE, UNCLEAN, FAILED BY CLIENT, FAILED or INFORMATIONAL
     * @param result        why {@code behavior}
     * @param resultClose   why {@code behaviorClose}
     */
    public record Verdict(String behavior, String behaviorClose, String result, String resultClose) {
    }

    /** Judges one case. */
    public static Verdict judge(CaseSpec spec, Outcome o) {
        if (!o.open) {
            return new Verdict(FAILED, FAILED, "opening handshake failed: " + o.handshakeError, "no connection");
        }
        String behavior = FAILED;
        String result;
        if (spec.check() != null) {
            behavior = o.checkBehavior == null ? FAILED : o.checkBehavior;
            result = o.checkResult == null ? "" : o.checkResult;
        } else {
            result = "received events match no expected outcome";
            for (Map.Entry<String, List<Event>> e : spec.expected().entrySet()) {
                if (e.getValue().equals(o.received)) {
                    behavior = e.getKey();
                    result = "received events match the " + e.getKey() + " outcome";
                    break;
                }
            }
        }
        CloseExpectation x = spec.close();
        String close;
        String resultClose;
        if (x.closedByMe() != o.closedByMe) {
            close = FAILED;
            resultClose = "the connection was closed by the wrong endpoint (expected the "
                    + (x.closedByMe() ? "fuzzer" : "server") + " to close)";
        } else if (x.requireClean() && !o.wasClean) {
            close = UNCLEAN;
            resultClose = "a clean closing handshake was required: " + o.wasNotCleanReason;
        } else if (o.remoteCloseCode != null && !x.codes().contains(o.remoteCloseCode)) {
            close = WRONG_CODE;
            resultClose = "close code " + o.remoteCloseCode + " is not one of " + x.codes() + " (or empty)";
        } else if (o.droppedByMe) {
            close = FAILED_BY_CLIENT;
            resultClose = "the fuzzer had to drop TCP: the server should close it";
        } else {
            close = OK;
            resultClose = "properly closed";
        }
        if (x.wrongEndpointFatal() && x.closedByMe() != o.closedByMe) {
            behavior = FAILED;
            result = "the server did not fail the connection itself: " + result;
        }
        if (spec.wrongCodeFatal() && close.equals(WRONG_CODE)) {
            behavior = FAILED;
            result = "wrong close code: " + resultClose;
        }
        if (spec.informational()) {
            behavior = INFORMATIONAL;
            result = "informational only; " + result;
            if (spec.id().startsWith("7.13.")) {
                close = INFORMATIONAL;
            }
        }
        if (o.checkResult != null && o.checkResult.startsWith("the case overran")) {
            result = o.checkResult + "; " + result;
        }
        return new Verdict(behavior, close, result, resultClose);
    }

    /** True for a behavior that fails a run: only FAILED (see {@link ConformanceMain} for the rule). */
    public static boolean isFailing(String behavior) {
        return FAILED.equals(behavior);
    }
}
