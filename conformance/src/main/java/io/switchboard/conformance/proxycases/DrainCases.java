package io.switchboard.conformance.proxycases;

import static io.switchboard.conformance.proxycases.ProxyCase.byProxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Section p.7: drains (issue 6). A backend drained through the admin API loses exactly its own
 * WebSockets, each with Close 1012 "backend drained"; SIGTERM closes every WebSocket with Close
 * 1012 "service restart", the backends get 1001, and the process exits 0. The runner's YAML sets
 * {@code drain: {delay: 0s, spread: 1s, deadline: 5s}}.
 */
final class DrainCases {
    /** drain.spread in the runner's YAML, plus slack for the close to travel. */
    private static final Duration SPREAD_AND_SLACK = Duration.ofMillis(1000 + 2000);
    private static final int PER_BACKEND = 4;
    private static final int SIGTERM_CLIENTS = 8;

    private DrainCases() {
    }

    static List<ProxyCase> all() {
        List<ProxyCase> out = new ArrayList<>();
        out.add(new ProxyCase("p.7.1", "Admin API drains one of two backends: its clients get Close 1012 'backend drained' "
                + "within the spread, its backend 1001; the other backend's clients are untouched; its keys move",
                Fixture.of(() -> Backend.echo("keep"), () -> Backend.echo("drain-me"))
                        .pool("balance: consistent-hash", "hash-key: query:user"), byProxy(1012), DrainCases::backendDrain));
        out.add(new ProxyCase("p.7.2", "SIGTERM to the proxy: every client gets Close 1012 'service restart' within the spread, "
                + "the backend gets 1001, and the process exits 0 before the deadline",
                Fixture.of(() -> Backend.echo("sigterm")).alone(), byProxy(1012), DrainCases::sigterm));
        return out;
    }

    /** A client connection and the backend its 101 named. */
    private record Conn(String user, Peer peer, String backend) {
    }

    private static void backendDrain(Env env, Trace t) throws Exception {
        Backend keep = env.backend(0);
        Backend drained = env.backend(1);
        List<Conn> onKeep = new ArrayList<>();
        List<Conn> onDrained = new ArrayList<>();
        // keys land by hash: open clients until each backend holds a few (bounded)
        for (int i = 0; i < 60 && (onKeep.size() < PER_BACKEND || onDrained.size() < PER_BACKEND); i++) {
            Client.Answer a = env.upgrade("?user=u" + i, Map.of(), new byte[0], Env.PROMPT);
            t.require(a.problem() == null, "client u%d was upgraded (%s)", i, a.problem() == null ? "101" : a.problem());
            Conn c = new Conn("u" + i, env.track(a.peer()), a.headers().get("x-backend"));
            (drained.name().equals(c.backend) ? onDrained : onKeep).add(c);
        }
        t.log("clients on %s: %s; on %s: %s", keep.name(), onKeep.stream().map(Conn::user).toList(), drained.name(),
                onDrained.stream().map(Conn::user).toList());
        t.require(onKeep.size() >= PER_BACKEND && onDrained.size() >= PER_BACKEND, "both backends hold clients");

        URI uri = URI.create("http://127.0.0.1:" + env.proxy().adminPort() + "/admin/pools/" + Fixture.name("p.7.1")
                + "/backends/" + drained.address() + "/drain");
        HttpResponse<String> res;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Env.PROMPT).build()) {
            res = http.send(HttpRequest.newBuilder(uri).timeout(Env.PROMPT).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        t.log("admin   -> POST %s: %d %s", uri.getPath(), res.statusCode(), res.body().strip());
        t.check(res.statusCode() == 202, "the drain request was accepted (202)");
        t.check(res.body().replace(" ", "").contains("\"closing\":" + onDrained.size()),
                "the admin API counts the %d WebSockets it will close", onDrained.size());

        boolean allClosed = true;
        for (Frame close : awaitCloses(onDrained.stream().map(Conn::peer).toList(), t)) {
            allClosed &= t.judgeClose("client", close, 1012, "backend drained", SPREAD_AND_SLACK);
        }
        t.check(allClosed, "every client of the drained backend got Close 1012 'backend drained' within %d ms",
                SPREAD_AND_SLACK.toMillis());
        for (Peer b : drained.peers()) {
            Frame f = closeAt(b);
            t.check(f != null && f.isClose() && Integer.valueOf(1001).equals(f.closeCode()),
                    "%s got Close 1001 (got %s)", b.name(), f == null ? "nothing yet" : f);
        }
        for (Conn c : onKeep) {
            Frame early = c.peer.read(Duration.ofMillis(10));
            t.client(early);
            t.check(early == null, "client %s on %s got nothing from the drain", c.user, keep.name());
            c.peer.sendText("still here " + c.user);
            Frame echo = c.peer.read(Env.PROMPT);
            t.client(echo);
            t.check(echo != null && ("still here " + c.user).equals(echo.text()), "client %s still has its tunnel", c.user);
        }
        Client.Answer again = env.upgrade("?user=" + onDrained.get(0).user, Map.of(), new byte[0], Env.PROMPT);
        t.log("client %s reconnects: %s, X-Backend: %s", onDrained.get(0).user, again.statusLine(), again.headers().get("x-backend"));
        t.check(again.problem() == null && keep.name().equals(again.headers().get("x-backend")),
                "a drained key reconnects to its next owner, %s", keep.name());
        if (again.problem() == null) {
            env.track(again.peer());
        }
    }

    /**
     * Each client waits for its Close on a thread of its own and answers it at once, as live
     * clients do (a reply that comes late could hide a proxy that mixes up the two legs' Closes).
     * Returns what each got: its Close, the end of the stream, or null.
     */
    private static List<Frame> awaitCloses(List<Peer> clients, Trace t) throws InterruptedException {
        Frame[] got = new Frame[clients.size()];
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                Peer c = clients.get(n);
                got[n] = Env.clientUntilClose(c, t, SPREAD_AND_SLACK);
                if (got[n] != null && got[n].isClose()) {
                    Env.answerClose(c, got[n], t);
                }
            }));
        }
        for (Thread th : threads) {
            th.join(SPREAD_AND_SLACK.plus(Env.TCP_CLOSE).plusSeconds(1));
        }
        return java.util.Arrays.asList(got);
    }

    /** The Close (or end) a backend connection saw, waiting up to 2 s for it; null if none. */
    private static Frame closeAt(Peer backend) throws Exception {
        try {
            return backend.closeOrEnd().get(Env.PROMPT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            return null;
        }
    }

    private static void sigterm(Env env, Trace t) throws Exception {
        List<Peer> clients = new ArrayList<>();
        for (int i = 0; i < SIGTERM_CLIENTS; i++) {
            Peer c = env.open(t, "?n=" + i);
            c.sendText("hello " + i);
            Frame echo = c.read(Env.PROMPT);
            t.check(echo != null && ("hello " + i).equals(echo.text()), "client %d's tunnel works before the SIGTERM", i);
            clients.add(c);
        }
        env.proxy().terminate();
        t.log("SIGTERM sent to the proxy");
        boolean all = true;
        for (Frame close : awaitCloses(clients, t)) {
            all &= t.judgeClose("client", close, 1012, "service restart", SPREAD_AND_SLACK);
        }
        t.check(all, "every client got Close 1012 'service restart' within %d ms", SPREAD_AND_SLACK.toMillis());
        for (Peer b : env.backend(0).peers()) {
            Frame f = closeAt(b);
            t.check(f != null && f.isClose() && Integer.valueOf(1001).equals(f.closeCode()),
                    "%s got Close 1001 (got %s)", b.name(), f == null ? "nothing yet" : f);
        }
        Integer exit = env.proxy().awaitExit(Duration.ofSeconds(6));
        t.log("proxy exit status: %s", exit == null ? "still running" : exit);
        t.check(exit != null && exit == 0, "the proxy exited with status 0 before the deadline (5 s)");
    }
}
