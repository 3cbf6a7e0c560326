package io.switchboard.conformance.autobahn;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened on one case's connection, as recorded by the {@link Fuzzer}: the opening
 * handshake, the events received, and the closing state. {@link Verdicts} turns it into a verdict.
 *
 * <p>Field meanings follow the reference suite: {@code closedByMe} is true when the fuzzer sent
 * the first Close; {@code wasClean} when Close frames went both ways (cleared when the fuzzer had
 * to fail the connection or give up waiting); {@code droppedByMe} when the fuzzer cut TCP itself,
 * e.g. because the server did not close TCP within 1 s of the closing handshake. Mutated only by
 * the fuzzer's event-loop thread; read after the case is over.
 */
public final class Outcome {
    /** Whether the opening handshake completed (101 with the right accept key). */
    boolean open;
    /** Why the handshake failed, or null. */
    String handshakeError;
    boolean openHandshakeTimeout;
    String httpRequest = "";
    String httpResponse = "";
    /** The extensions the server accepted (its Sec-WebSocket-Extensions), or "". */
    String extensions = "";
    final List<Event> received = new ArrayList<>();
    boolean closedByMe;
    boolean failedByMe;
    boolean droppedByMe;
    boolean wasClean;
    String wasNotCleanReason;
    boolean wasServerConnectionDropTimeout;
    boolean wasCloseHandshakeTimeout;
    Integer localCloseCode;
    String localCloseReason;
    Integer remoteCloseCode;
    String remoteCloseReason;
    /** For cases judged by a {@link CaseSpec.Check}: the behavior it decided, else null. */
    String checkBehavior;
    /** Human-readable result of a check (or of the fuzzer giving up). */
    String checkResult;
    Instant started = Instant.now();
    long durationMillis;
    /** Frames and octets sent, for the report. */
    long framesSent;
    long octetsSent;
    /** Compression cases with permessage-deflate agreed: data traffic each way; else null. */
    DeflateTraffic traffic;

    /** What a case outside the fuzzer did and saw, one line each (the proxy catalogue); else null. */
    List<String> log;

    /**
     * An outcome recorded by a runner other than the fuzzer (the proxy behaviour catalogue), so its
     * cases share {@link CaseResult} and {@link Reports}. Fields not given keep their defaults.
     *
     * @param received          the client's events, in order
     * @param remoteCloseCode   the code of the Close the client received, or null
     * @param remoteCloseReason its reason, or null
     * @param wasClean          whether Close frames went both ways
     * @param httpResponse      the response head the client saw, or ""
     * @param log               timestamped lines of what the case did and observed
     */
    public static Outcome recorded(Instant started, long durationMillis, List<Event> received, Integer remoteCloseCode,
                                   String remoteCloseReason, boolean wasClean, String httpResponse, List<String> log) {
        Outcome o = new Outcome();
        o.open = true;
        o.started = started;
        o.durationMillis = durationMillis;
        o.received.addAll(received);
        o.remoteCloseCode = remoteCloseCode;
        o.remoteCloseReason = remoteCloseReason;
        o.wasClean = wasClean;
        o.httpResponse = httpResponse == null ? "" : httpResponse;
        o.log = List.copyOf(log);
        return o;
    }

    /** The events received, in order. */
    public List<Event> received() {
        return List.copyOf(received);
    }

    /** The close code the peer sent, or null (no code, or no Close frame). */
    public Integer remoteCloseCode() {
        return remoteCloseCode;
    }

    /** How long the case took, in milliseconds. */
    public long durationMillis() {
        return durationMillis;
    }

    /** Whether the opening handshake completed. */
    public boolean isOpen() {
        return open;
    }
}
