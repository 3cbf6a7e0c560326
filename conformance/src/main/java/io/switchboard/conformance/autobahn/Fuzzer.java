package io.switchboard.conformance.autobahn;

import io.switchboard.ws.DeflateNegotiation;
import io.switchboard.ws.DeflateParams;
import io.switchboard.ws.FrameHeader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLSocketFactory;

/**
 * Runs one case against one WebSocket server over a raw TCP (or TLS, for {@code wss://})
 * connection, acting as a strict client, and records an {@link Outcome}.
 *
 * <p>Everything that touches the connection's state runs on one event-loop thread, in the order
 * things happened: script steps, timers, and frames handed over by the {@link FrameReader}
 * thread. Timers and defaults: the opening handshake must finish within 5 s; after the fuzzer
 * sends a Close it waits 1 s for the answer, then drops TCP; after the closing handshake the
 * server must close TCP within 1 s, else the fuzzer drops it (FAILED BY CLIENT). The fuzzer answers
 * pings while open, and when the peer breaks the protocol it fails the connection with a Close
 * (1002, or 1007 for invalid UTF-8) rather than a TCP drop.
 */
public final class Fuzzer {
    static final Duration OPEN_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
    static final long CLOSE_HANDSHAKE_TIMEOUT_MS = 1000;
    static final long SERVER_DROP_TIMEOUT_MS = 1000;

    private final URI url;
    final CaseSpec spec;
    final Outcome out = new Outcome();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fuzzer-loop");
        t.setDaemon(true);
        return t;
    });
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private Socket socket;
    final FrameWriter writer = new FrameWriter();
    private final Receiver receiver = new Receiver(this);
    private final CheckRunner checks = new CheckRunner(this);
    private State state = State.OPEN;
    private int pc;
    private ScheduledFuture<?> closeHandshakeTimer;
    private ScheduledFuture<?> dropTimer;
    private long startNanos;
    /** What permessage-deflate agreed, seen from this client; null when not negotiated. */
    private DeflateParams deflate;
    /** Why the server's permessage-deflate answer is unacceptable (RFC 7692 §7.1), or null. */
    private String deflateRefusal;

    enum State { OPEN, CLOSING, CLOSED }

    private Fuzzer(URI url, CaseSpec spec) {
        this.url = url;
        this.spec = spec;
    }

    /**
     * Runs {@code spec} against {@code url} ({@code ws://} or {@code wss://}, default trust store)
     * and returns once the connection is over, or when the case overruns its timers by 30 s.
     */
    public static Outcome run(URI url, CaseSpec spec) {
        return new Fuzzer(url, spec).execute();
    }

    private Outcome execute() {
        try {
            if (spec.check() instanceof CaseSpec.Deflate d) {
                DeflateDatasets.get(d.dataset()); // generated once, before the clock starts
            }
            if (!connect()) {
                out.durationMillis = 0;
                return out;
            }
            loop.execute(this::start);
            try {
                finished.get(budget().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                out.checkResult = "the case overran its timers; the fuzzer gave up";
                loop.execute(() -> abort(true));
                finished.get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            if (out.checkResult == null) {
                out.checkResult = "fuzzer error: " + e;
            }
            closeQuietly();
        } finally {
            loop.shutdownNow();
        }
        return out;
    }

    /** Sum of the script's waits and its longest timer, plus slack for the close handshake. */
    private Duration budget() {
        double waits = 0;
        double timers = 0;
        for (Step s : spec.steps()) {
            switch (s) {
                case Step.Wait w -> waits += w.seconds();
                case Step.KillAfter k -> timers = Math.max(timers, k.seconds());
                case Step.CloseAfter c -> timers = Math.max(timers, c.seconds());
                default -> { }
            }
        }
        return Duration.ofMillis((long) ((waits + timers + 30) * 1000));
    }

    private boolean connect() throws IOException {
        boolean tls = "wss".equalsIgnoreCase(url.getScheme());
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        int timeout = (int) OPEN_HANDSHAKE_TIMEOUT.toMillis();
        ClientHandshake hs = new ClientHandshake();
        String error;
        try {
            plain.connect(new InetSocketAddress(url.getHost(), port), timeout);
            socket = tls ? ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, url.getHost(), port, true) : plain;
            socket.setSoTimeout(timeout);
            String offer = spec.check() instanceof CaseSpec.Deflate d ? d.offer() : null;
            error = hs.perform(url, socket.getInputStream(), socket.getOutputStream(), offer);
        } catch (java.net.SocketTimeoutException e) {
            out.openHandshakeTimeout = true;
            error = "no handshake answer within " + OPEN_HANDSHAKE_TIMEOUT.toSeconds() + " s";
        } catch (IOException e) {
            error = "cannot connect: " + e;
        }
        out.httpRequest = hs.request == null ? "" : hs.request;
        out.httpResponse = hs.response;
        out.extensions = hs.headers.getOrDefault("sec-websocket-extensions", "");
        if (error != null) {
            out.handshakeError = error;
            closeQuietly();
            return false;
        }
        negotiate(hs.headers.get("sec-websocket-extensions"));
        socket.setSoTimeout(0);
        out.open = true;
        writer.attach(socket.getOutputStream(), out);
        Thread reader = new Thread(new FrameReader(socket.getInputStream(), hs.leftover, new FrameReader.Sink() {
            @Override
            public void frame(FrameHeader header, byte[] payload) {
                post(() -> receiver.onFrame(header, payload));
            }

            @Override
            public void lost(String why) {
                post(() -> connectionLost(why));
            }
        }), "fuzzer-reader");
        reader.setDaemon(true);
        reader.start();
        return true;
    }

    /**
     * Compression cases only: what the server's answer to the offer means. Settled before the
     * reader starts, so the receiver knows from the first frame whether RSV1 is allowed. Other
     * cases offer nothing and keep RSV1 illegal whatever the server says.
     */
    private void negotiate(String answer) {
        if (!(spec.check() instanceof CaseSpec.Deflate d)) {
            return;
        }
        try {
            deflate = DeflateNegotiation.checkResponse(answer, d.offer());
        } catch (IllegalArgumentException e) {
            deflateRefusal = e.getMessage();
        }
        if (deflate != null) {
            out.traffic = new DeflateTraffic();
            out.traffic.agreed = answer;
        }
    }

    /** The agreed permessage-deflate parameters (client's view), or null. */
    DeflateParams deflateParams() {
        return deflate;
    }

    /** Why the server's permessage-deflate answer must fail the connection, or null. */
    String deflateRefusal() {
        return deflateRefusal;
    }

    private void post(Runnable r) {
        try {
            loop.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the case is over; late frames do not matter
        }
    }

    private void start() {
        out.started = Instant.now();
        startNanos = System.nanoTime();
        checks.onOpen();
        runScript();
    }

    /** Runs steps until a wait or the end; coalesced frames are flushed at either point. */
    private void runScript() {
        List<Step> steps = spec.steps();
        while (pc < steps.size()) {
            Step step = steps.get(pc++);
            switch (step) {
                case Step.Frame f -> writer.frame(f.opcode(), f.fin(), f.rsv(), f.payload(), f.chop(), f.sync());
                case Step.Message m -> writer.message(m.binary(), m.payload(), m.fragmentSize());
                case Step.Close c -> sendClose(c.code(), c.reason(), false, false);
                case Step.BeginFrame b -> writer.beginFrame(b.opcode(), b.length());
                case Step.Data d -> writer.data(d.bytes());
                case Step.KillAfter k -> schedule(k.seconds(), this::onKill);
                case Step.CloseAfter c -> schedule(c.seconds(), this::onCloseAfter);
                case Step.Wait w -> {
                    writer.flush();
                    schedule(w.seconds(), () -> afterWait(w.tag()));
                    return;
                }
            }
        }
        writer.flush();
    }

    private void afterWait(String tag) {
        if (tag == null) {
            if (state != State.CLOSED) {
                runScript();
            }
        } else if (state == State.OPEN) {
            out.received.add(Event.timeout(tag));
            runScript();
        }
    }

    ScheduledFuture<?> schedule(double seconds, Runnable task) {
        return loop.schedule(task, (long) (seconds * 1000), TimeUnit.MILLISECONDS);
    }

    State state() {
        return state;
    }

    /**
     * Sends a Close frame if the connection is open and enters CLOSING.
     *
     * @param code    null: no code
     * @param reason  null: none; raw bytes, sent as given
     * @param isReply true when answering the peer's Close (the peer then counts as the closer)
     * @param now     flush at once rather than with the rest of the current script turn
     */
    void sendClose(Integer code, byte[] reason, boolean isReply, boolean now) {
        if (state != State.OPEN) {
            return;
        }
        writer.close(code, reason);
        if (now) {
            writer.flush();
        }
        state = State.CLOSING;
        out.closedByMe = !isReply;
        out.localCloseCode = code;
        out.localCloseReason = reason == null ? null : new String(reason, StandardCharsets.UTF_8);
        if (!isReply) {
            closeHandshakeTimer = loop.schedule(this::onCloseHandshakeTimeout, CLOSE_HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The peer broke the protocol (1002) or sent invalid UTF-8 or undecodable compressed data
     * (1007): close, or drop when already closing. The reason goes into the Close frame, cut to
     * the 123 bytes a control frame leaves for it (RFC 6455 §5.5).
     */
    void failConnection(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        checks.onFuzzerFailed(reason);
        out.wasClean = false;
        out.wasNotCleanReason = reason;
        out.failedByMe = true;
        if (state == State.OPEN) {
            sendClose(code, closeReason(reason), false, true);
        } else {
            abort(true);
        }
    }

    /** {@code reason} in UTF-8, at most 123 bytes, never cut inside a character. */
    private static byte[] closeReason(String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(r.length, 123);
        while (n < r.length && n > 0 && (r[n] & 0xC0) == 0x80) {
            n--; // r[n] continues a character: cut before that character starts
        }
        return n == r.length ? r : java.util.Arrays.copyOf(r, n);
    }

    /** The peer's Close arrived (already validated by the receiver). */
    void onPeerClose() {
        out.wasClean = true;
        if (state == State.CLOSING) {
            if (closeHandshakeTimer != null) {
                closeHandshakeTimer.cancel(false);
            }
        } else if (state == State.OPEN) {
            sendClose(1000, null, true, true);
        }
        dropTimer = loop.schedule(this::onServerDropTimeout, SERVER_DROP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** Called after each recorded event: closes as soon as an expected outcome is matched. */
    void finishWhenDone() {
        if (spec.check() != null || !spec.close().closedByMe()) {
            return;
        }
        if (spec.expected().containsValue(out.received)) {
            sendClose(spec.close().codes().get(0), null, false, true);
        }
    }

    CheckRunner checks() {
        return checks;
    }

    private void onKill() {
        if (state != State.CLOSED) {
            failConnection(1001, "Going Away");
        }
    }

    private void onCloseAfter() {
        if (state == State.OPEN) {
            sendClose(null, null, false, true);
        }
    }

    private void onCloseHandshakeTimeout() {
        if (state != State.CLOSED && !receiver.peerClosed()) {
            out.wasCloseHandshakeTimeout = true;
            out.wasClean = false;
            out.wasNotCleanReason = "peer did not answer our Close within 1 s";
            abort(true);
        }
    }

    private void onServerDropTimeout() {
        if (state != State.CLOSED) {
            out.wasServerConnectionDropTimeout = true;
            abort(true);
        }
    }

    /** Cuts TCP (RST) from our side. */
    void abort(boolean byMe) {
        if (state == State.CLOSED) {
            return;
        }
        out.droppedByMe |= byMe;
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException | RuntimeException e) {
            // already gone
        }
        closeQuietly();
        connectionLost("dropped by the fuzzer");
    }

    private void connectionLost(String why) {
        if (state == State.CLOSED) {
            return;
        }
        if (state == State.OPEN && !out.droppedByMe) {
            out.wasClean = false;
            out.wasNotCleanReason = "peer dropped the TCP connection without a closing handshake (" + why + ")";
        }
        state = State.CLOSED;
        out.durationMillis = Math.round((System.nanoTime() - startNanos) / 1e6);
        checks.onClosed();
        receiver.release();
        if (dropTimer != null) {
            dropTimer.cancel(false);
        }
        closeQuietly();
        finished.complete(null);
    }

    private void closeQuietly() {
        try {
            if (socket != null) {
                socket.close();
            }
        } catch (IOException e) {
            // nothing to do
        }
    }
}
