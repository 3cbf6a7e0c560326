package io.switchboard.conformance.autobahn;

import java.util.List;

/**
 * How a case's connection must end.
 *
 * @param closedByMe         true when the fuzzer must send the first Close; false when the peer
 *                           must fail (or close) the connection itself
 * @param codes              acceptable close codes from the peer; a Close without a code, or a
 *                           TCP drop, satisfies any list unless {@code requireClean}
 * @param requireClean       whether both Close frames must have been exchanged
 * @param wrongEndpointFatal when the wrong endpoint closed, {@code behavior} is FAILED too (the
 *                           peer never noticed the fault it had to detect, e.g. invalid UTF-8)
 */
public record CloseExpectation(boolean closedByMe, List<Integer> codes, boolean requireClean,
                               boolean wrongEndpointFatal) {
    public CloseExpectation {
        codes = List.copyOf(codes);
    }

    /** The usual expectation after an echo: the fuzzer closes with 1000, cleanly. */
    public static CloseExpectation normal() {
        return new CloseExpectation(true, List.of(1000), true, false);
    }
}
