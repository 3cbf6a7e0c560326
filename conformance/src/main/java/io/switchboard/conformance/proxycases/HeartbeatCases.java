package io.switchboard.conformance.proxycases;

import static io.switchboard.conformance.proxycases.ProxyCase.byClient;
import static io.switchboard.conformance.proxycases.ProxyCase.byProxy;

import io.switchboard.ws.Opcode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Section p.6: the proxy's own heartbeats (issue 5). Dead peers are reaped within
 * interval + timeout + 1 s with the documented Close toward the live side; pings go between
 * frames only; the peers' own pings and pongs pass through untouched; the proxy's pongs are
 * consumed.
 */
final class HeartbeatCases {
    private static final Duration REAP_INTERVAL = Duration.ofMillis(300);
    private static final Duration REAP_TIMEOUT = Duration.ofMillis(300);
    /** interval + timeout + 1 s, the documented bound for a reap. */
    private static final Duration REAP_BOUND = REAP_INTERVAL.plus(REAP_TIMEOUT).plusSeconds(1);
    private static final String REAP_LEG = "{interval: 300ms, timeout: 300ms}";

    private HeartbeatCases() {
    }

    static List<ProxyCase> all() {
        List<ProxyCase> out = new ArrayList<>();
        out.add(new ProxyCase("p.6.1", "Client goes silent (reads and answers nothing), heartbeat 300ms/300ms: reaped within "
                + "interval+timeout+1s, the backend gets Close 1001 and the client's TCP is closed",
                Fixture.of(() -> Backend.manual("reap-client")).websocket("{heartbeat: {downstream: " + REAP_LEG + ", upstream: off}}"),
                byProxy(1001), HeartbeatCases::silentClient));
        out.add(new ProxyCase("p.6.2", "Backend goes silent, heartbeat 300ms/300ms: the client gets Close 1014 within "
                + "interval+timeout+1s", Fixture.of(() -> Backend.manual("reap-backend"))
                .websocket("{heartbeat: {downstream: off, upstream: " + REAP_LEG + "}}"), byProxy(1014), HeartbeatCases::silentBackend));
        out.add(new ProxyCase("p.6.3", "Heartbeat every 100ms toward a client while the backend trickles a 3-fragment message "
                + "over ~1s: pings arrive only between frames and the message arrives intact",
                Fixture.of(() -> Backend.manual("trickle")).websocket("{heartbeat: {downstream: {interval: 100ms, timeout: 5s}, "
                        + "upstream: off}}"), byClient(1000), (env, t) -> streamWhilePinged(env, t, 3, 3000, 50, 5)));
        String both = "{heartbeat: {interval: 200ms, timeout: 3s}}";
        out.add(new ProxyCase("p.6.4", "Client's own ping (heartbeats on) reaches the backend, which answers it: the pong reaches "
                + "the client once, and only after the backend sent it (terminate mode: the proxy answers it and the backend "
                + "never sees it)", Fixture.of(() -> Backend.manual("client-ping")).websocket(both), byClient(1000),
                (env, t) -> {
                    if (env.terminate()) {
                        pingAnsweredByProxy(env, t, true);
                    } else {
                        clientPing(env, t);
                    }
                }));
        out.add(new ProxyCase("p.6.5", "Backend's own ping (heartbeats on) reaches the client, and the client's pong reaches the backend "
                + "(terminate mode: the proxy answers it and the client never sees it)",
                Fixture.of(() -> Backend.manual("backend-ping")).websocket(both), byClient(1000),
                (env, t) -> {
                    if (env.terminate()) {
                        pingAnsweredByProxy(env, t, false);
                    } else {
                        backendPing(env, t);
                    }
                }));
        out.add(new ProxyCase("p.6.6", "Two silent but answering peers (heartbeat 200ms): each gets the proxy's pings (masked "
                + "toward the backend), their pongs are consumed by the proxy, and the tunnel stays open",
                Fixture.of(() -> Backend.manual("proxy-pings")).websocket(both), byClient(1000), HeartbeatCases::proxyPings));
        out.add(new ProxyCase("p.6.7", "A live client receiving one frame trickled over ~1.2s (heartbeat 100ms/300ms, so the "
                + "proxy's ping must wait for the frame's end) answers that ping at once: it is not reaped",
                Fixture.of(() -> Backend.manual("long-frame")).websocket("{heartbeat: {downstream: {interval: 100ms, timeout: 300ms}, "
                        + "upstream: off}}"), byClient(1000), (env, t) -> streamWhilePinged(env, t, 1, 2400, 20, 10)));
        return out;
    }

    private static void silentClient(Env env, Trace t) throws Exception {
        Peer c = env.open(t, "");
        long since = System.nanoTime();
        Peer b = env.accepted(t, 0);
        t.log("the client now reads and answers nothing");
        awaitReap(Env.backendUntilClose(b, t, REAP_BOUND.plusSeconds(1)), b, "backend", 1001, since, t,
                "the client was reaped %d ms after its last frame, expected %d..%d ms");
        // the dead side's socket is closed at once: the client finds only the proxy's pings, then the end
        List<Frame> seen = new ArrayList<>();
        Frame end = c.readUntil(f -> false, Duration.ofMillis(500), seen::add);
        seen.forEach(t::client);
        t.client(end);
        t.check(end != null && end.isEnd(), "the reaped client's TCP was closed (it holds %d pings and %s)", seen.size(),
                end == null ? "no end of stream" : "the end");
    }

    /**
     * The live peer {@code live} got {@code close} when its silent partner was reaped: the code
     * expected, within interval + timeout (+ 1 s), and the Close answered.
     */
    private static void awaitReap(Frame close, Peer live, String who, int code, long since, Trace t, String timing)
            throws Exception {
        long ms = (System.nanoTime() - since) / 1_000_000;
        t.check(t.judgeClose(who, close, code, null, REAP_BOUND.plusSeconds(1)), "the %s got Close %d", who, code);
        long min = REAP_INTERVAL.plus(REAP_TIMEOUT).toMillis() - 50;
        t.check(close != null && ms >= min && ms <= REAP_BOUND.toMillis(), timing, ms, min, REAP_BOUND.toMillis());
        if (close != null && close.isClose()) {
            Env.answerClose(live, close, t);
        }
    }

    private static void silentBackend(Env env, Trace t) throws Exception {
        Peer c = env.open(t, "");
        long since = System.nanoTime();
        Peer b = env.accepted(t, 0);
        t.log("the backend now reads and answers nothing");
        awaitReap(Env.clientUntilClose(c, t, REAP_BOUND.plusSeconds(1)), c, "client", 1014, since, t,
                "the backend was reaped %d ms after the 101, expected %d..%d ms");
        List<Frame> seen = new ArrayList<>();
        Frame end = b.readUntil(f -> false, Duration.ofMillis(500), seen::add);
        t.log("the silent backend holds %d unread frames %s", seen.size(), seen.stream().map(Frame::toString).toList());
        t.check(seen.stream().anyMatch(f -> f.opcode() == Opcode.PING), "the proxy pinged the backend before reaping it");
        t.check(seen.stream().allMatch(Frame::masked), "everything the proxy sent the backend was masked");
        t.check(end != null && end.isEnd(), "the reaped backend's TCP was closed");
    }

    /**
     * The backend trickles a text message of {@code fragments} frames of {@code size} bytes,
     * {@code chunk} bytes per write every {@code pauseMs}, while the proxy pings the (otherwise
     * silent) client; the client answers each ping at once. The message must arrive intact, with
     * pings only between frames, and the connection must survive to a normal close.
     */
    private static void streamWhilePinged(Env env, Trace t, int fragments, int size, int chunk, int pauseMs)
            throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        byte[] message = new byte[fragments * size];
        for (int i = 0; i < message.length; i++) {
            message[i] = (byte) ('a' + i % 26);
        }
        Thread writer = Thread.ofVirtual().start(() -> trickle(b, message, fragments, chunk, pauseMs, t));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int pings = 0;
        int pingsInsideMessage = 0;
        boolean broken = false;
        long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < deadline) {
            Frame f = c.read(Duration.ofNanos(deadline - System.nanoTime()));
            t.client(f);
            if (f == null || f.isEnd()) {
                broken = true;
                break;
            }
            if (f.opcode() == Opcode.PING) {
                pings++;
                pingsInsideMessage += got.size() > 0 ? 1 : 0;
                c.send(Opcode.PONG, true, f.payload()); // a live client answers at once
                continue;
            }
            if (!f.isData() || f.masked()) {
                t.fail("the client got an unexpected frame inside the message: %s", f);
                broken = true;
                break;
            }
            got.writeBytes(f.payload());
            if (f.fin()) {
                break;
            }
        }
        writer.join(Duration.ofSeconds(3));
        t.log("client saw %d proxy pings, %d of them between the message's fragments", pings, pingsInsideMessage);
        t.check(!broken && Arrays.equals(got.toByteArray(), message), "the trickled %d-byte message arrived intact (%d bytes)",
                message.length, got.size());
        // with several fragments the pings fit between them; a single frame has no "between" (§5.4)
        t.check(fragments == 1 || pings > 0, "the proxy pinged the client while the message streamed");
        t.check(env.clientClosesManual(c, b, t), "the connection was still alive for a normal closing handshake");
    }

    private static void trickle(Peer b, byte[] message, int fragments, int chunk, int pauseMs, Trace t) {
        try {
            int part = message.length / fragments;
            for (int i = 0; i < fragments; i++) {
                byte[] frame = Peer.encode(i == 0 ? Opcode.TEXT : Opcode.CONTINUATION, i == fragments - 1,
                        Arrays.copyOfRange(message, i * part, (i + 1) * part), false);
                for (int off = 0; off < frame.length; off += chunk) {
                    b.write(Arrays.copyOfRange(frame, off, Math.min(frame.length, off + chunk)));
                    Thread.sleep(pauseMs);
                }
            }
            t.log("backend -> %d fragment(s), trickled", fragments);
        } catch (IOException | InterruptedException e) {
            t.log("backend: trickling stopped: %s", e);
        }
    }

    private static void clientPing(Env env, Trace t) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        byte[] payload = "client ping 42".getBytes(StandardCharsets.UTF_8);
        List<String> backendLog = new CopyOnWriteArrayList<>();
        long[] pongSentAt = {0};
        Thread backend = Thread.ofVirtual().start(() -> answerPings(b, t, payload, backendLog, pongSentAt));
        c.send(Opcode.PING, true, payload);
        t.log("client  -> ping 'client ping 42'");
        List<Frame> pongs = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofMillis(1200).toNanos();
        while (System.nanoTime() < end) {
            Frame f = c.read(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
            if (f == null || f.isEnd()) {
                t.client(f);
                break;
            }
            if (f.opcode() == Opcode.PING) {
                c.send(Opcode.PONG, true, f.payload()); // the proxy's own heartbeat: answered, not counted
            } else {
                t.client(f);
                if (f.opcode() == Opcode.PONG) {
                    pongs.add(f);
                }
            }
        }
        // no interrupt: interrupting a virtual thread blocked in a socket read closes the socket
        backend.join(Duration.ofSeconds(2));
        backendLog.forEach(l -> t.log("%s", l));
        t.check(backendLog.stream().anyMatch(l -> l.contains("client's ping, masked")), "the backend received the client's ping, masked");
        t.check(pongs.size() == 1 && Arrays.equals(pongs.get(0).payload(), payload), "the client got exactly one pong with its payload (%d)",
                pongs.size());
        t.check(pongs.size() == 1 && pongSentAt[0] != 0 && pongs.get(0).atNanos() >= pongSentAt[0],
                "the pong came from the backend (after it sent it), not from the proxy");
        t.check(env.clientClosesManual(c, b, t), "the closing handshake completed");
    }

    /** Backend side of p.6.4: answers every ping; the client's after 100 ms, so a proxy reply would show. */
    private static void answerPings(Peer b, Trace t, byte[] clientPayload, List<String> log, long[] pongSentAt) {
        long end = System.nanoTime() + Duration.ofMillis(1200).toNanos();
        try {
            while (System.nanoTime() < end) {
                Frame f = b.read(Duration.ofMillis(50));
                if (f == null) {
                    continue;
                }
                if (f.isEnd() || f.isClose()) {
                    log.add("backend got " + f);
                    return;
                }
                if (f.opcode() == Opcode.PING && Arrays.equals(f.payload(), clientPayload)) {
                    log.add("backend got the client's ping" + (f.masked() ? ", masked" : ", UNMASKED") + ": " + f);
                    Thread.sleep(100);
                    pongSentAt[0] = System.nanoTime();
                    b.send(Opcode.PONG, true, f.payload());
                    log.add("backend -> pong 'client ping 42' after 100 ms");
                } else if (f.opcode() == Opcode.PING) {
                    b.send(Opcode.PONG, true, f.payload()); // the proxy's heartbeat
                } else {
                    log.add("backend got " + f);
                }
            }
        } catch (IOException | InterruptedException e) {
            // the case is over
        }
    }

    private static void backendPing(Env env, Trace t) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        byte[] payload = "backend ping 7".getBytes(StandardCharsets.UTF_8);
        b.send(Opcode.PING, true, payload);
        t.log("backend -> ping 'backend ping 7'");
        Frame ping = c.readUntil(f -> f.opcode() == Opcode.PING && Arrays.equals(f.payload(), payload), Env.PROMPT,
                f -> answerHeartbeat(c, f, t));
        t.client(ping);
        t.check(ping != null && !ping.isEnd() && !ping.masked(), "the backend's ping reached the client, unmasked");
        c.send(Opcode.PONG, true, payload);
        Frame pong = b.readUntil(f -> f.opcode() == Opcode.PONG, Env.PROMPT, f -> answerHeartbeat(b, f, t));
        t.backend(b, pong);
        t.check(pong != null && !pong.isEnd() && pong.masked() && Arrays.equals(pong.payload(), payload),
                "the client's pong reached the backend, masked, with the payload");
        t.check(env.clientClosesManual(c, b, t), "the closing handshake completed");
    }

    /**
     * Terminate mode (p.6.4, p.6.5): the proxy is the endpoint, so a peer's ping is answered on its
     * own leg (RFC 6455 §5.5.2) with the same payload and is not relayed to the other peer.
     */
    private static void pingAnsweredByProxy(Env env, Trace t, boolean fromClient) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        Peer pinger = fromClient ? c : b;
        Peer other = fromClient ? b : c;
        byte[] payload = (fromClient ? "client ping 42" : "backend ping 7").getBytes(StandardCharsets.UTF_8);
        pinger.send(Opcode.PING, true, payload);
        t.log("%s -> ping '%s'", fromClient ? "client " : "backend", new String(payload, StandardCharsets.UTF_8));
        Frame pong = pinger.readUntil(f -> f.opcode() == Opcode.PONG, Env.PROMPT, f -> answerHeartbeat(pinger, f, t));
        if (fromClient) {
            t.client(pong);
        } else {
            t.backend(b, pong);
        }
        t.check(pong != null && !pong.isEnd() && Arrays.equals(pong.payload(), payload) && pong.masked() == !fromClient,
                "the proxy answered the ping on the same leg with its payload (%s)", fromClient ? "unmasked" : "masked");
        Frame relayed = other.readUntil(f -> f.opcode() == Opcode.PING && Arrays.equals(f.payload(), payload),
                Duration.ofMillis(500), f -> answerHeartbeat(other, f, t));
        t.check(relayed == null || relayed.isEnd(), "the other peer never saw that ping");
        t.check(env.clientClosesManual(c, b, t), "the closing handshake completed");
    }

    private static void proxyPings(Env env, Trace t) throws Exception {
        Peer c = env.open(t, "");
        Peer b = env.accepted(t, 0);
        List<Frame> toClient = new CopyOnWriteArrayList<>();
        List<Frame> toBackend = new CopyOnWriteArrayList<>();
        Thread backend = Thread.ofVirtual().start(() -> answerAll(b, toBackend, Duration.ofMillis(900)));
        answerAll(c, toClient, Duration.ofMillis(900));
        backend.join(Duration.ofSeconds(2));
        t.log("client saw %s", toClient.stream().map(Frame::toString).toList());
        t.log("backend saw %s", toBackend.stream().map(Frame::toString).toList());
        t.check(toClient.stream().anyMatch(f -> f.opcode() == Opcode.PING && !f.masked()), "the proxy pinged the client (unmasked)");
        t.check(toBackend.stream().anyMatch(f -> f.opcode() == Opcode.PING && f.masked()), "the proxy pinged the backend (masked)");
        t.check(toClient.stream().allMatch(f -> f.opcode() == Opcode.PING), "the client got nothing but pings (the backend's pongs were consumed)");
        t.check(toBackend.stream().allMatch(f -> f.opcode() == Opcode.PING), "the backend got nothing but pings (the client's pongs were consumed)");
        c.sendText("still open?");
        Frame got = b.read(Env.PROMPT);
        t.backend(b, got);
        t.check(got != null && "still open?".equals(got.text()), "the tunnel still carries messages");
        t.check(env.clientClosesManual(c, b, t), "the closing handshake completed");
    }

    /** Reads for {@code time}, answering every ping with a pong, collecting what arrives. */
    private static void answerAll(Peer p, List<Frame> seen, Duration time) {
        long end = System.nanoTime() + time.toNanos();
        while (System.nanoTime() < end) {
            Frame f = p.read(Duration.ofNanos(Math.max(0, end - System.nanoTime())));
            if (f == null) {
                continue;
            }
            seen.add(f);
            if (f.isEnd()) {
                return;
            }
            if (f.opcode() == Opcode.PING) {
                try {
                    p.send(Opcode.PONG, true, f.payload());
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    private static void answerHeartbeat(Peer p, Frame f, Trace t) {
        if (f.opcode() == Opcode.PING) {
            try {
                p.send(Opcode.PONG, true, f.payload());
            } catch (IOException e) {
                t.log("%s could not answer a ping: %s", p.name(), e.getMessage());
            }
        } else {
            t.log("%s <- %s", p.name(), f);
        }
    }
}
