package io.switchboard.conformance.proxycases;

import static io.switchboard.conformance.proxycases.ProxyCase.byClient;
import static io.switchboard.conformance.proxycases.ProxyCase.byProxy;

import io.switchboard.ws.Opcode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sections p.3 (a backend refuses or ignores the upgrade: the client gets a status, never a hang)
 * and p.5 (bytes that share a packet with a handshake: nothing may be lost).
 */
final class HandshakeCases {
    /** The proxy's {@code timeouts.upstream-handshake} in the runner's YAML. */
    static final Duration UPSTREAM_HANDSHAKE = Duration.ofSeconds(1);

    private HandshakeCases() {
    }

    static List<ProxyCase> all() {
        List<ProxyCase> out = new ArrayList<>();
        out.add(new ProxyCase("p.3.1", "Backend refuses the upgrade with 403: the client gets that 403 and its body, then the end",
                Fixture.of(() -> Backend.refusing("refuse-403", 403)), byProxy(), (env, t) -> refused(env, t, 403, true)));
        out.add(new ProxyCase("p.3.2", "Backend refuses the upgrade with 404: the client gets that 404 and its body, then the end",
                Fixture.of(() -> Backend.refusing("refuse-404", 404)), byProxy(), (env, t) -> refused(env, t, 404, true)));
        out.add(new ProxyCase("p.3.3", "The only backend answers the upgrade with 500: the client gets 502 promptly",
                Fixture.of(() -> Backend.refusing("refuse-500", 500)), byProxy(), (env, t) -> refused(env, t, 502, false)));
        out.add(new ProxyCase("p.3.4", "One backend answers 500, the other accepts (round-robin): every client still gets its 101",
                Fixture.of(() -> Backend.refusing("fail-500", 500), () -> Backend.echo("fine")).pool("balance: round-robin"),
                byClient(1000), HandshakeCases::failover));
        out.add(new ProxyCase("p.3.5", "Backend accepts TCP but never answers the upgrade: the client gets 504 after "
                + "timeouts.upstream-handshake (1s), and the proxy hangs up on the backend",
                Fixture.of(() -> Backend.silent("silent")), byProxy(), HandshakeCases::neverAnswers));
        out.add(new ProxyCase("p.5.1", "Client pipelines a text frame in the same packet as its upgrade request: it is echoed",
                Fixture.of(() -> Backend.echo("pipeline-echo")), byClient(1000), HandshakeCases::clientPipelines));
        byte[] early = Peer.encode(Opcode.TEXT, true, "sent with the 101".getBytes(StandardCharsets.UTF_8), false);
        out.add(new ProxyCase("p.5.2", "Backend sends a text frame in the same packet as its 101: the client receives it",
                Fixture.of(() -> Backend.manualWithEarlyBytes("early-frame", early)), byClient(1000),
                HandshakeCases::backendSendsEarly));
        return out;
    }

    private static void refused(Env env, Trace t, int expected, boolean relayed) throws Exception {
        Client.Answer a = env.upgrade("", Map.of(), new byte[0], Duration.ofSeconds(5));
        t.http(a.head());
        t.log("client  <- %s (%d ms)", a.statusLine(), a.elapsed().toMillis());
        t.check(a.status() == expected, "the client got %d (got: %s)", expected, a.statusLine());
        t.check(a.elapsed().compareTo(Env.PROMPT) < 0, "the answer came promptly (%d ms)", a.elapsed().toMillis());
        Client.Body body = a.readBody(Env.PROMPT);
        t.log("client  <- body '%s', complete=%s, then closed=%s", body.text().strip(), body.complete(), body.closed());
        t.check(body.complete(), "the whole response body arrived (no hang)");
        if (relayed) {
            t.check(body.text().equals(env.backend(0).refusalBody()), "the backend's own body was relayed as is");
        }
        t.closeVerdict(body.closed() ? "OK" : "INFORMATIONAL", body.closed()
                ? "the proxy closed the connection after the response" : "the connection was left open after a complete response");
    }

    private static void failover(Env env, Trace t) throws Exception {
        Backend failing = env.backend(0);
        for (int i = 0; i < 2; i++) {
            Client.Answer a = env.upgrade("", Map.of(), new byte[0], Duration.ofSeconds(5));
            t.log("client %d <- %s, X-Backend: %s", i, a.statusLine(), a.headers().get("x-backend"));
            t.check(a.problem() == null && "fine".equals(a.headers().get("x-backend")),
                    "client %d got the 101 of the backend that accepts", i);
            if (a.problem() == null) {
                Peer c = env.track(a.peer());
                c.sendText("after failover " + i);
                Frame echo = c.read(Env.PROMPT);
                t.client(echo);
                t.check(echo != null && ("after failover " + i).equals(echo.text()), "client %d's message was echoed", i);
                t.check(Env.clientCloses(c, t), "client %d's closing handshake completed", i);
            }
        }
        t.check(!failing.requests().isEmpty(), "the failing backend was asked (%d requests), so the 500 was retried elsewhere",
                failing.requests().size());
        t.closeVerdict("OK", "both connections closed normally");
    }

    private static void neverAnswers(Env env, Trace t) throws Exception {
        Client.Answer a = env.upgrade("", Map.of(), new byte[0], Duration.ofSeconds(5));
        long answeredAt = System.nanoTime();
        t.http(a.head());
        t.log("client  <- %s (%d ms)", a.statusLine(), a.elapsed().toMillis());
        t.check(a.status() == 504, "the client got 504 (got: %s)", a.statusLine());
        long ms = a.elapsed().toMillis();
        long min = UPSTREAM_HANDSHAKE.toMillis() - 50;
        long max = UPSTREAM_HANDSHAKE.toMillis() + 1500;
        t.check(ms >= min && ms <= max, "it came after the upstream handshake timeout: %d ms, expected %d..%d ms", ms, min, max);
        Client.Body body = a.readBody(Env.PROMPT);
        t.check(body.complete(), "the whole 504 response arrived");
        List<CompletableFuture<Long>> hangUps = env.backend(0).hangUps();
        t.check(hangUps.size() == 1, "the silent backend got exactly one connection (%d)", hangUps.size());
        if (!hangUps.isEmpty()) {
            Long at = null;
            try {
                at = hangUps.get(0).get(Env.PROMPT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // reported below
            }
            t.check(at != null, "the proxy closed its connection to the silent backend (%s)",
                    at == null ? "still open " + Env.PROMPT.toMillis() + " ms after the 504"
                            : (at - answeredAt) / 1_000_000 + " ms after the 504");
        }
        t.closeVerdict(body.closed() ? "OK" : "INFORMATIONAL", body.closed()
                ? "the proxy closed the client's connection after the 504" : "the connection was left open after the 504");
    }

    private static void clientPipelines(Env env, Trace t) throws Exception {
        String text = "pipelined with the upgrade";
        byte[] frame = Peer.encode(Opcode.TEXT, true, text.getBytes(StandardCharsets.UTF_8), true);
        Client.Answer a = env.upgrade("", Map.of(), frame, Duration.ofSeconds(5));
        t.log("client  -> upgrade request and a %d-byte text frame in one write; answer: %s", frame.length, a.statusLine());
        t.require(a.problem() == null, "the upgrade succeeded (%s)", a.problem() == null ? "101" : a.problem());
        Peer c = env.track(a.peer());
        Frame echo = c.read(Env.PROMPT);
        t.client(echo);
        t.check(echo != null && echo.opcode() == Opcode.TEXT && echo.fin() && text.equals(echo.text()),
                "the pipelined frame came back as the first message");
        t.check(Env.clientCloses(c, t), "the closing handshake completed");
        t.closeVerdict("OK", "closed normally");
    }

    private static void backendSendsEarly(Env env, Trace t) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        Frame first = c.read(Env.PROMPT);
        t.client(first);
        t.check(first != null && first.opcode() == Opcode.TEXT && "sent with the 101".equals(first.text()),
                "the frame sent with the 101 reached the client as the first message");
        c.sendText("and the tunnel works");
        Frame got = b.read(Env.PROMPT);
        t.backend(b, got);
        t.check(got != null && "and the tunnel works".equals(got.text()), "a later client message reached the backend");
        c.sendClose(1000, "done");
        Frame close = Env.backendUntilClose(b, t, Env.PROMPT);
        t.check(close != null && close.isClose() && Integer.valueOf(1000).equals(close.closeCode()), "the client's Close reached the backend");
        b.sendClose(1000, "done");
        b.drop();
        Frame reply = Env.clientUntilClose(c, t, Env.PROMPT);
        t.check(t.judgeClose("client", reply, 1000, null, Env.PROMPT), "the backend's Close reply reached the client");
        t.clean(c.awaitEnd(Env.TCP_CLOSE));
    }
}
