package io.switchboard.conformance.proxycases;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * What a running case can reach: the proxy under test, the case's own route on it, and the
 * case's backends. Also the few steps most cases share (open a WebSocket through the proxy, wait
 * for a Close, finish a closing handshake), each with a bounded wait. Client connections opened
 * here are closed when the case ends, whatever happened.
 */
public final class Env {
    /** How long a case waits for something the proxy should do at once. */
    public static final Duration PROMPT = Duration.ofSeconds(2);
    /** How long a case waits for the proxy to close TCP after a closing handshake (timeouts.close + 1 s). */
    public static final Duration TCP_CLOSE = Duration.ofSeconds(3);

    private final Proxy proxy;
    private final String path;
    private final List<Upstream> upstreams;
    private final List<Peer> opened = Collections.synchronizedList(new ArrayList<>());

    private final boolean terminate;

    Env(Proxy proxy, String path, List<Upstream> upstreams, boolean terminate) {
        this.terminate = terminate;
        this.proxy = proxy;
        this.path = path;
        this.upstreams = List.copyOf(upstreams);
    }

    /** The proxy under test. */
    public Proxy proxy() {
        return proxy;
    }

    /** The case's route path, e.g. {@code /p-1-1}. */
    public String path() {
        return path;
    }

    /** The case's backends, in pool order. */
    public List<Upstream> upstreams() {
        return upstreams;
    }

    /** Backend {@code i}, a scripted one. */
    public Backend backend(int i) {
        return (Backend) upstreams.get(i);
    }

    /** Sends an upgrade for the case's route plus {@code query} and returns the raw answer. */
    public Client.Answer upgrade(String query, Map<String, String> headers, byte[] pipelined, Duration timeout)
            throws IOException {
        return Client.upgrade("127.0.0.1", proxy.port(), path + query, headers, pipelined, timeout);
    }

    /** Opens a WebSocket through the proxy; anything but a valid 101 fails and ends the case. */
    public Peer open(Trace t, String query) throws IOException {
        Client.Answer a = upgrade(query, Map.of(), new byte[0], Duration.ofSeconds(5));
        t.log("client  -> GET %s%s; answer: %s (%d ms)", path, query, a.statusLine(), a.elapsed().toMillis());
        t.require(a.problem() == null, "the upgrade through the proxy succeeded (%s)", a.problem() == null ? "101" : a.problem());
        return track(a.peer());
    }

    /** Remembers a client connection so it is closed when the case ends. */
    public Peer track(Peer client) {
        opened.add(client);
        return client;
    }

    /** The backend side of the connection just opened through backend {@code i}; required within 2 s. */
    public Peer accepted(Trace t, int i) throws InterruptedException {
        Peer b = backend(i).next(PROMPT);
        t.require(b != null, "backend %s received the upgraded connection", backend(i).name());
        return b;
    }

    /** Client reads (logging every frame) until a Close or the end of the stream; null on timeout. */
    public static Frame clientUntilClose(Peer client, Trace t, Duration timeout) {
        Frame f = client.readUntil(Frame::isClose, timeout, t::client);
        t.client(f);
        return f;
    }

    /** Backend reads (logging every frame) until a Close or the end of the stream; null on timeout. */
    public static Frame backendUntilClose(Peer backend, Trace t, Duration timeout) {
        Frame f = backend.readUntil(Frame::isClose, timeout, x -> t.backend(backend, x));
        t.backend(backend, f);
        return f;
    }

    /**
     * After {@code peer} received a Close from the proxy: answers it with the same code, then
     * checks the proxy closes TCP within {@link #TCP_CLOSE} (no lingering socket). Records a
     * clean close when both happened.
     */
    public static void answerClose(Peer peer, Frame close, Trace t) {
        try {
            peer.send(io.switchboard.ws.Opcode.CLOSE, true, close.closeCode() == null ? new byte[0]
                    : Peer.closePayload(close.closeCode(), ""));
        } catch (IOException e) {
            t.log("%s could not answer the Close: %s", peer.name(), e.getMessage());
        }
        boolean ended = peer.awaitEnd(TCP_CLOSE);
        t.check(ended, "the proxy closed the %s's TCP within %d ms of the Close reply", peer.name(), TCP_CLOSE.toMillis());
        t.clean(ended);
    }

    /**
     * A normal end started by the client: Close 1000, the Close 1000 relayed back (the backend
     * answers it), then TCP closed by the proxy. Returns true when all happened.
     */
    public static boolean clientCloses(Peer client, Trace t) throws IOException {
        client.sendClose(1000, "done");
        Frame f = clientUntilClose(client, t, PROMPT);
        boolean back = f != null && f.isClose() && Integer.valueOf(1000).equals(f.closeCode());
        boolean ended = client.awaitEnd(TCP_CLOSE);
        t.clean(back && ended);
        return back && ended;
    }

    /**
     * A normal end started by the client when the case drives the backend side itself: Close 1000
     * to the backend, which answers it and closes TCP; the answer must reach the client and the
     * proxy must then close the client's TCP. Pings met on the way (heartbeats) are skipped.
     * Sets the case's close verdict; returns true when all happened.
     */
    public boolean clientClosesManual(Peer client, Peer backend, Trace t) throws IOException {
        client.sendClose(1000, "done");
        Frame atBackend = backendUntilClose(backend, t, PROMPT);
        boolean relayed = atBackend != null && atBackend.isClose() && Integer.valueOf(1000).equals(atBackend.closeCode());
        if (relayed) {
            backend.sendClose(1000, "bye");
        }
        backend.drop();
        Frame back = clientUntilClose(client, t, PROMPT);
        // terminate mode: the proxy answers each peer's Close itself, with its code and no reason
        boolean ok = t.judgeClose("client", back, 1000, terminate ? "" : relayed ? "bye" : null, PROMPT);
        boolean ended = client.awaitEnd(TCP_CLOSE);
        t.clean(relayed && ok && ended);
        return relayed && ok && ended;
    }

    /**
     * Whether the routes are in terminate mode: each leg's close handshake and ping answers are
     * then the proxy's own, so what one peer sends reaches the other as a new frame, not a relay.
     */
    public boolean terminate() {
        return terminate;
    }

    /** Closes every client connection the case opened. */
    void closeAll() {
        synchronized (opened) {
            opened.forEach(Peer::close);
        }
    }
}
