package io.switchboard.conformance.proxycases;

import static io.switchboard.conformance.proxycases.ProxyCase.byClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Section p.4: many clients at once through a sticky pool. None may be lost, each must land on its
 * key's owner, and the same key must land there again.
 */
final class LoadCases {
    static final int CLIENTS = 200;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private LoadCases() {
    }

    static List<ProxyCase> all() {
        Fixture pool = Fixture.of(() -> Upstream.Demo.start("pin-a"), () -> Upstream.Demo.start("pin-b"),
                () -> Upstream.Demo.start("pin-c")).pool("balance: consistent-hash", "hash-key: query:user");
        return List.of(new ProxyCase("p.4.1", CLIENTS + " clients at once through a consistent-hash pool of 3: none lost, "
                + "each pinned (the same key twice lands on the same backend, which names itself)", pool, byClient(1000),
                LoadCases::manyClients));
    }

    /** What one client saw: the backend its 101 named, the backend that answered "/name", and problems. */
    private record Landing(String header, String named, boolean echoed, boolean closed, String problem) {
    }

    private static void manyClients(Env env, Trace t) throws Exception {
        List<Landing> first = round(env, t, 1);
        List<Landing> second = round(env, t, 2);
        Map<String, Integer> spread = new TreeMap<>();
        int lost = 0;
        int unpinned = 0;
        int moved = 0;
        int unclean = 0;
        for (int i = 0; i < CLIENTS; i++) {
            Landing a = first.get(i);
            Landing b = second.get(i);
            for (Landing l : List.of(a, b)) {
                if (l.problem != null) {
                    lost++;
                    if (lost <= 5) {
                        t.log("user-%d: %s", i, l.problem);
                    }
                } else {
                    unpinned += l.header.equals(l.named) ? 0 : 1;
                    unclean += l.closed ? 0 : 1;
                }
            }
            if (a.problem == null) {
                spread.merge(a.header, 1, Integer::sum);
            }
            if (a.problem == null && b.problem == null && !a.header.equals(b.header)) {
                moved++;
                if (moved <= 5) {
                    t.log("user-%d: first on %s, then on %s", i, a.header, b.header);
                }
            }
        }
        t.log("keys per backend: %s", spread);
        t.check(lost == 0, "no client was lost: %d of %d connections failed", lost, 2 * CLIENTS);
        t.check(unpinned == 0, "every client's messages went to the backend its 101 named (%d did not)", unpinned);
        t.check(moved == 0, "every key landed on the same backend both times (%d moved)", moved);
        t.check(spread.size() == 3, "the keys spread over all 3 backends (%s)", spread);
        t.closeVerdict(unclean == 0 ? "OK" : "UNCLEAN", unclean == 0 ? "all " + 2 * CLIENTS + " closing handshakes completed"
                : unclean + " closing handshakes did not complete");
        t.clean(unclean == 0);
    }

    /**
     * Opens {@link #CLIENTS} connections at the same moment (a latch releases them together), has
     * each ask its backend's name and echo a message, holds them all open until every one has, and
     * then closes them.
     */
    private static List<Landing> round(Env env, Trace t, int round) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch allOpen = new CountDownLatch(CLIENTS);
        List<Future<Landing>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CLIENTS; i++) {
                int n = i;
                futures.add(pool.submit(() -> client(env, n, start, allOpen)));
            }
            long t0 = System.nanoTime();
            start.countDown();
            boolean together = allOpen.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            t.log("round %d: %s %d clients open at once after %d ms", round, together ? "all" : "NOT all", CLIENTS,
                    (System.nanoTime() - t0) / 1_000_000);
            List<Landing> out = new ArrayList<>();
            for (Future<Landing> f : futures) {
                try {
                    out.add(f.get(WAIT.toMillis() * 2, TimeUnit.MILLISECONDS));
                } catch (Exception e) {
                    f.cancel(true);
                    out.add(new Landing("", "", false, false, "no result: " + e));
                }
            }
            return out;
        }
    }

    private static Landing client(Env env, int n, CountDownLatch start, CountDownLatch allOpen) {
        boolean counted = false;
        Peer c = null;
        try {
            start.await();
            Client.Answer a = env.upgrade("?user=user-" + n, Map.of(), new byte[0], WAIT);
            if (a.problem() != null) {
                a.socket().close();
                return new Landing("", "", false, false, a.problem());
            }
            c = a.peer();
            String header = a.headers().getOrDefault("x-backend", "?");
            c.sendText("/name");
            Frame name = c.read(WAIT);
            c.sendText("echo " + n);
            Frame echo = c.read(WAIT);
            boolean echoed = echo != null && ("echo " + n).equals(echo.text());
            allOpen.countDown();
            counted = true;
            allOpen.await(WAIT.toMillis(), TimeUnit.MILLISECONDS); // all open at once before any closes
            c.sendClose(1000, "");
            Frame close = c.readUntil(Frame::isClose, WAIT, f -> { });
            boolean closed = close != null && close.isClose() && c.awaitEnd(Env.TCP_CLOSE);
            String named = name == null || name.isEnd() ? "(no answer)" : name.text().strip();
            return new Landing(header, named, echoed, closed, echoed ? null : "echo missing: " + echo);
        } catch (Exception e) {
            return new Landing("", "", false, false, e.toString());
        } finally {
            if (!counted) {
                allOpen.countDown();
            }
            if (c != null) {
                c.close();
            }
        }
    }
}
