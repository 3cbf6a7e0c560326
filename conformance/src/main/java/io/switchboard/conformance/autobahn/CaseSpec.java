package io.switchboard.conformance.autobahn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One conformance case: what the fuzzer sends, what it expects back, how the connection must
 * close, and which verdict rules apply.
 *
 * @param id              dotted id such as {@code 6.4.1}; ordered numerically by {@link CaseIds}
 * @param description     one line for reports
 * @param steps           the script, run in order from the moment the connection is open
 * @param expected        outcome name ({@code OK}, {@code NON-STRICT}) to the exact ordered event
 *                        list that earns it; empty for cases judged by a {@link Check}
 * @param close           the close expectation
 * @param wrongCodeFatal  a WRONG CODE close makes {@code behavior} FAILED (section 7)
 * @param informational   {@code behavior} is always INFORMATIONAL (7.1.6, 7.13.x)
 * @param check           null for event-list cases; otherwise the custom judge (9.x, 12.x, 13.x)
 */
public record CaseSpec(String id, String description, List<Step> steps, Map<String, List<Event>> expected,
                       CloseExpectation close, boolean wrongCodeFatal, boolean informational, Check check) {
    public CaseSpec {
        steps = List.copyOf(steps);
        expected = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(expected));
    }

    /** The section number: the part of the id before the first dot. */
    public int section() {
        return Integer.parseInt(id.substring(0, id.indexOf('.')));
    }

    /** Judges that replace the event-list comparison (the reference suite's custom cases). */
    public sealed interface Check {
    }

    /**
     * 9.1-9.6: exactly one message of the right type and length must come back (content is not
     * compared, as in the reference suite); then the fuzzer closes with 1000.
     */
    public record EchoLength(boolean binary, long length, double waitSeconds) implements Check {
    }

    /**
     * 9.7/9.8: {@code count} messages, each sent only after the previous echo arrived; every echo
     * must have the right type and length.
     */
    public record RoundTrips(boolean binary, int count, byte[] payload, double waitSeconds) implements Check {
    }

    /**
     * 12.x/13.x: permessage-deflate round trips (RFC 7692). The case offers {@code offer} in the
     * handshake and is UNIMPLEMENTED when the peer does not accept it; otherwise {@code count}
     * messages go one after another, compressed, and every echo must match in type, length and
     * SHA-1 (see {@link DeflateRoundTrips}).
     *
     * @param offer        the Sec-WebSocket-Extensions value offered
     * @param binary       message type
     * @param dataset      name of the data the messages are cut from ({@link DeflateDatasets})
     * @param count        messages to round-trip
     * @param size         size of each message: characters for text, bytes for binary
     * @param autoFragment fragment size the fuzzer cuts the compressed payload into (0: one frame)
     * @param waitSeconds  time budget
     */
    public record Deflate(String offer, boolean binary, String dataset, int count, int size, int autoFragment,
                          double waitSeconds) implements Check {
    }
}
