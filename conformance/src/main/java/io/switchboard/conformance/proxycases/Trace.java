package io.switchboard.conformance.proxycases;

import io.switchboard.conformance.autobahn.CaseResult;
import io.switchboard.conformance.autobahn.CaseSpec;
import io.switchboard.conformance.autobahn.Event;
import io.switchboard.conformance.autobahn.Outcome;
import io.switchboard.conformance.autobahn.Verdicts;
import io.switchboard.ws.Opcode;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What one proxy case did and saw, and its verdict. The case logs as it goes (every line stamped
 * with milliseconds since the case began) and states each expectation with {@link #check}; the
 * case is OK when every check held, else FAILED, with the failed checks as the result.
 *
 * <p>{@code behaviorClose} keeps the Autobahn meaning where a case is about a close: OK (the
 * expected code arrived), WRONG CODE, UNCLEAN (TCP ended without a Close frame) or FAILED (nothing
 * arrived in time); cases that do not judge a close report INFORMATIONAL. Thread-safe, since
 * load cases log from many threads.
 */
public final class Trace {
    private final long t0 = System.nanoTime();
    private final Instant started = Instant.now();
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private final List<Event> received = Collections.synchronizedList(new ArrayList<>());
    private ByteArrayOutputStream partial;
    private boolean partialBinary;
    private Integer closeCode;
    private String closeReason;
    private boolean clean;
    private String httpResponse = "";
    private String behaviorClose = Verdicts.INFORMATIONAL;
    private String closeWhy = "this case does not judge a close";
    private int checks;

    /** Milliseconds since the case began. */
    public long ms() {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Adds a log line. */
    public void log(String format, Object... args) {
        log.add(String.format("%6d ms  %s", ms(), String.format(format, args)));
    }

    /** States an expectation: logged either way; a false one fails the case. Returns {@code ok}. */
    public boolean check(boolean ok, String format, Object... args) {
        String what = String.format(format, args);
        synchronized (this) {
            checks++;
        }
        log("%s %s", ok ? "ok:  " : "FAIL:", what);
        if (!ok) {
            failures.add(what);
        }
        return ok;
    }

    /** Like {@link #check}, but a false expectation also ends the case (nothing after it makes sense). */
    public void require(boolean ok, String format, Object... args) {
        if (!check(ok, format, args)) {
            throw new Stop();
        }
    }

    /** Thrown by {@link #require} to end a case whose failure is already recorded. */
    static final class Stop extends RuntimeException {
        Stop() {
            super("case stopped after a failed requirement", null, false, false);
        }
    }

    /** Fails the case. */
    public void fail(String format, Object... args) {
        check(false, format, args);
    }

    /**
     * Logs a frame the client read (null: nothing in time) and records it as a report event:
     * messages (fragments joined), pings, pongs; a Close sets the remote close code.
     */
    public synchronized void client(Frame f) {
        if (f == null) {
            return;
        }
        log("client  <- %s", f);
        if (f.isEnd()) {
            return;
        }
        switch (f.opcode()) {
            case Opcode.PING -> received.add(new Event(Event.Kind.PING, false, f.payload()));
            case Opcode.PONG -> received.add(new Event(Event.Kind.PONG, false, f.payload()));
            case Opcode.CLOSE -> {
                closeCode = f.closeCode();
                closeReason = f.closeReason();
            }
            default -> message(f);
        }
    }

    private void message(Frame f) {
        if (f.opcode() != Opcode.CONTINUATION || partial == null) {
            partial = new ByteArrayOutputStream();
            partialBinary = f.opcode() == Opcode.BINARY;
        }
        partial.writeBytes(f.payload());
        if (f.fin()) {
            received.add(Event.message(partialBinary, partial.toByteArray()));
            partial = null;
        }
    }

    /** Logs a frame a backend connection read (null: nothing in time). */
    public void backend(Peer backend, Frame f) {
        if (f != null) {
            log("%-7s <- %s", backend.name(), f);
        }
    }

    /**
     * Judges the close a peer observed ({@code who}: "client" or "backend") and makes it the case's
     * {@code behaviorClose}: {@code f} null means nothing came within {@code waited}.
     *
     * @param reason the exact reason required, or null for any
     * @return true when a Close with {@code code} (and {@code reason}) arrived
     */
    public synchronized boolean judgeClose(String who, Frame f, int code, String reason, Duration waited) {
        if (f == null) {
            return closeVerdict(Verdicts.FAILED, who + " got neither a Close nor a TCP close within " + waited.toMillis() + " ms");
        }
        if (f.isEnd()) {
            return closeVerdict(Verdicts.UNCLEAN, "TCP toward the " + who + " ended without a Close frame (" + f.end() + ")");
        }
        if (who.equals("backend")) {
            closeCode = f.closeCode();
            closeReason = f.closeReason();
        }
        if (!Objects.equals(f.closeCode(), code) || reason != null && !reason.equals(f.closeReason())) {
            closeVerdict(Verdicts.WRONG_CODE, who + " got Close " + f.closeCode() + " '" + f.closeReason()
                    + "', expected " + code + (reason == null ? "" : " '" + reason + "'"));
            return false;
        }
        closeVerdict(Verdicts.OK, who + " got Close " + code + " '" + f.closeReason() + "'");
        return true;
    }

    /** Sets {@code behaviorClose} and why; returns true when it is OK. */
    public synchronized boolean closeVerdict(String verdict, String why) {
        behaviorClose = verdict;
        closeWhy = why;
        log("close verdict %s: %s", verdict, why);
        return verdict.equals(Verdicts.OK);
    }

    /** Records that the closing handshake completed both ways (the report's wasClean). */
    public synchronized void clean(boolean wasClean) {
        clean = wasClean;
    }

    /** Records the HTTP response head the client got (for refusal cases). */
    public synchronized void http(String head) {
        httpResponse = head;
    }

    /** The case's result for {@code agent}. */
    public synchronized CaseResult result(String agent, CaseSpec spec) {
        long duration = ms();
        boolean ok = failures.isEmpty() && checks > 0;
        String behavior = ok ? Verdicts.OK : Verdicts.FAILED;
        String why = ok ? "all " + checks + " checks held"
                : checks == 0 ? "the case made no check" : "not as expected: " + String.join("; ", failures);
        Outcome o = Outcome.recorded(started, duration, List.copyOf(received), closeCode, closeReason, clean,
                httpResponse, List.copyOf(log));
        return new CaseResult(agent, spec, o, new Verdicts.Verdict(behavior, behaviorClose, why, closeWhy));
    }

    /** The failed checks so far. */
    public List<String> failures() {
        return List.copyOf(failures);
    }
}
