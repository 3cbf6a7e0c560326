package io.switchboard.conformance.proxycases;

import static io.switchboard.conformance.proxycases.ProxyCase.byClient;
import static io.switchboard.conformance.proxycases.ProxyCase.byProxy;

import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Opcode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Sections p.1 (a peer vanishes: the other side must still get a Close, or at least a prompt TCP
 * close when a frame was cut) and p.2 (Close frames relayed exactly, every valid code).
 */
final class CloseCases {
    /** The codes a backend may send (RFC 6455 §7.4.1 and the registry), with samples of 3000-4999. */
    static final int[] VALID_CODES = {1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 4000, 4999};

    private CloseCases() {
    }

    static List<ProxyCase> all() {
        List<ProxyCase> out = new ArrayList<>();
        out.add(new ProxyCase("p.1.1", "Backend drops TCP between two fragments of a message: client gets the fragment, then Close 1014",
                manual("drop-mid-message"), byProxy(1014), (env, t) -> backendDrops(env, t, false, false)));
        out.add(new ProxyCase("p.1.2", "Backend drops TCP between messages: client gets the message, then Close 1014",
                manual("drop-between"), byProxy(1014), (env, t) -> backendDrops(env, t, true, false)));
        out.add(new ProxyCase("p.1.3", "Backend resets TCP (RST) between messages: client gets the message, then Close 1014",
                manual("reset-between"), byProxy(1014), (env, t) -> backendDrops(env, t, true, true)));
        out.add(new ProxyCase("p.1.4", "Backend drops TCP inside a frame: the client's TCP is closed promptly (no Close is possible mid-frame)",
                manual("drop-mid-frame"), byProxy(), CloseCases::backendDropsMidFrame));
        out.add(new ProxyCase("p.1.5", "Client drops TCP between messages: backend gets Close 1001",
                manual("client-drop"), byClient(1001), (env, t) -> clientDrops(env, t, true)));
        out.add(new ProxyCase("p.1.6", "Client drops TCP between two fragments of a message: backend gets Close 1001",
                manual("client-drop-mid-message"), byClient(1001), (env, t) -> clientDrops(env, t, false)));
        out.add(new ProxyCase("p.1.7", "Client drops TCP inside a frame: the backend's TCP is closed promptly",
                manual("client-drop-mid-frame"), byClient(), CloseCases::clientDropsMidFrame));
        for (int i = 0; i < VALID_CODES.length; i++) {
            int code = VALID_CODES[i];
            out.add(new ProxyCase("p.2." + (i + 1), "Backend sends Close " + code + " with a UTF-8 reason: relayed exactly, "
                    + "and the client's reply reaches the backend", manual("close-" + code), byProxy(code),
                    (env, t) -> backendCloses(env, t, code)));
        }
        out.add(new ProxyCase("p.2." + (VALID_CODES.length + 1), "Client sends Close 4001 with a UTF-8 reason: the backend gets it "
                + "exactly, and its own Close reaches the client exactly", manual("client-close"), byClient(4002),
                CloseCases::clientCloses));
        return out;
    }

    private static Fixture manual(String name) {
        return Fixture.of(() -> Backend.manual(name));
    }

    private static void backendDrops(Env env, Trace t, boolean betweenMessages, boolean reset) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        String text = betweenMessages ? "last words" : "first fragment";
        b.send(Opcode.TEXT, betweenMessages, text.getBytes(StandardCharsets.UTF_8));
        Frame first = c.read(Env.PROMPT);
        t.client(first);
        t.check(first != null && first.opcode() == Opcode.TEXT && first.fin() == betweenMessages && first.text().equals(text),
                "the client received the backend's %s before the drop", betweenMessages ? "message" : "first fragment");
        if (reset) {
            b.reset();
        } else {
            b.drop();
        }
        t.log("backend %s TCP", reset ? "reset" : "closed (FIN)");
        Frame close = Env.clientUntilClose(c, t, Env.PROMPT);
        t.check(t.judgeClose("client", close, 1014, null, Env.PROMPT), "the client got Close 1014 within %d ms",
                Env.PROMPT.toMillis());
        if (close != null && close.isClose()) {
            Env.answerClose(c, close, t);
        }
    }

    private static void backendDropsMidFrame(Env env, Trace t) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        byte[] header = new byte[FrameHeaders.MAX_HEADER_LENGTH];
        int n = FrameHeaders.encode(header, 0, true, 0, Opcode.BINARY, false, 0, 100);
        byte[] part = new byte[n + 10];
        System.arraycopy(header, 0, part, 0, n);
        b.write(part);
        t.log("backend -> header of a 100-byte binary frame and 10 bytes of it");
        Thread.sleep(100); // let the partial frame cross the proxy before the drop
        b.drop();
        t.log("backend closed TCP inside the frame");
        Frame f = c.read(Env.TCP_CLOSE);
        t.client(f);
        t.check(f != null && f.isEnd(), "the client's TCP was closed within %d ms (got %s)", Env.TCP_CLOSE.toMillis(),
                f == null ? "nothing" : f);
        if (f != null && f.isEnd()) {
            t.closeVerdict("OK", "TCP closed mid-frame, as documented: a Close cannot be put inside a frame");
        } else {
            t.closeVerdict("FAILED", "the client's connection stayed open after its backend vanished mid-frame");
        }
    }

    private static void clientDrops(Env env, Trace t, boolean betweenMessages) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        String text = betweenMessages ? "hello, then gone" : "half a message";
        c.send(Opcode.TEXT, betweenMessages, text.getBytes(StandardCharsets.UTF_8));
        Frame first = b.read(Env.PROMPT);
        t.backend(b, first);
        t.check(first != null && first.opcode() == Opcode.TEXT && first.masked() && first.text().equals(text),
                "the backend received the client's %s, still masked", betweenMessages ? "message" : "first fragment");
        c.drop();
        t.log("client closed TCP without a Close");
        Frame close = Env.backendUntilClose(b, t, Env.PROMPT);
        t.check(t.judgeClose("backend", close, 1001, null, Env.PROMPT), "the backend got Close 1001 within %d ms",
                Env.PROMPT.toMillis());
        if (close != null && close.isClose()) {
            t.check(close.masked(), "the proxy's Close toward the backend is masked");
            Env.answerClose(b, close, t);
        }
    }

    private static void clientDropsMidFrame(Env env, Trace t) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        byte[] frame = Peer.encode(Opcode.BINARY, true, new byte[100], true);
        c.write(java.util.Arrays.copyOf(frame, 20));
        t.log("client -> the first 20 bytes of a 100-byte masked binary frame");
        Thread.sleep(100);
        c.drop();
        t.log("client closed TCP inside the frame");
        Frame f = b.read(Env.TCP_CLOSE);
        t.backend(b, f);
        t.check(f != null && f.isEnd(), "the backend's TCP was closed within %d ms (got %s)", Env.TCP_CLOSE.toMillis(),
                f == null ? "nothing" : f);
        t.closeVerdict(f != null && f.isEnd() ? "OK" : "FAILED", f != null && f.isEnd()
                ? "TCP closed mid-frame: a Close cannot be put inside a frame" : "the backend's connection stayed open");
    }

    /** The reason a backend sends with {@code code}: non-ASCII, so a re-encoding proxy shows. */
    static String reason(int code) {
        return "backend closes with " + code + ": ünïcødé ✓";
    }

    private static void backendCloses(Env env, Trace t, int code) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        String reason = reason(code);
        b.sendClose(code, reason);
        t.log("backend -> Close %d '%s'", code, reason);
        Frame close = Env.clientUntilClose(c, t, Env.PROMPT);
        t.check(t.judgeClose("client", close, code, reason, Env.PROMPT), "the client got Close %d with the reason byte for byte",
                code);
        if (close == null || !close.isClose()) {
            return;
        }
        t.check(!close.masked(), "the Close toward the client is unmasked");
        c.sendClose(code, "client agrees");
        Frame reply = Env.backendUntilClose(b, t, Env.PROMPT);
        // terminate mode: the proxy answers the backend's Close itself, at once, with the same code
        String expected = env.terminate() ? "" : "client agrees";
        t.check(reply != null && reply.isClose() && Integer.valueOf(code).equals(reply.closeCode())
                && expected.equals(reply.closeReason()), env.terminate() ? "the proxy answered the backend's Close with its code"
                : "the client's Close reply reached the backend exactly");
        b.drop(); // the server closes TCP first (RFC 6455 §7.1.1)
        boolean ended = c.awaitEnd(Env.TCP_CLOSE);
        t.check(ended, "the client's TCP was closed after the closing handshake");
        t.clean(ended && reply != null && reply.isClose());
    }

    private static void clientCloses(Env env, Trace t) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        String reason = "client leaves: ünïcødé ✓";
        c.sendClose(4001, reason);
        Frame close = Env.backendUntilClose(b, t, Env.PROMPT);
        t.check(close != null && close.isClose() && Integer.valueOf(4001).equals(close.closeCode())
                && reason.equals(close.closeReason()) && close.masked(), "the backend got Close 4001 with the reason, masked");
        b.sendClose(4002, "backend acknowledges ✓");
        Frame reply = Env.clientUntilClose(c, t, Env.PROMPT);
        if (env.terminate()) { // the proxy answered the client's Close itself, with the client's code
            t.check(t.judgeClose("client", reply, 4001, "", Env.PROMPT), "the proxy answered the client's Close 4001");
        } else {
            t.check(t.judgeClose("client", reply, 4002, "backend acknowledges ✓", Env.PROMPT),
                    "the backend's Close 4002 reached the client exactly");
        }
        b.drop();
        boolean ended = c.awaitEnd(Env.TCP_CLOSE);
        t.check(ended, "the client's TCP was closed after the closing handshake");
        t.clean(ended);
    }
}
