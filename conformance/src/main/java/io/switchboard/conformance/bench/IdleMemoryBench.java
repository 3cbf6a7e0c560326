package io.switchboard.conformance.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.switchboard.conformance.load.IdleLoad;
import io.switchboard.conformance.load.Targets;

/**
 * Measures what an idle proxied WebSocket costs the proxy: starts an echo backend and the real
 * proxy ({@code Main run}) in their own JVMs, opens N WebSockets through the proxy, forces a full
 * GC, and prints the proxy's RSS and heap growth divided by N, plus the top of a heap histogram.
 *
 * <p>Usage: {@code IdleMemoryBench [connections] [heartbeat-on|heartbeat-off] [deflate]
 * [message=BYTES]} (default 9000, heartbeats on as in the default config: the machine's hard limit
 * of 20,000 open files per process allows two sockets per proxied connection up to about 9,900).
 * The words after the count may come in any order.
 *
 * <p>Without {@code deflate}: one tunnel route (the default mode), connections that only
 * handshake. With {@code deflate}: {@link DeflateIdle}, three terminate-mode proxies in turn
 * (no deflate; deflate on the client leg without context takeover; with context takeover), each
 * connection exchanging one message first ({@code message}, default 16384 bytes of JSON-like text,
 * compressed both ways when deflate is agreed) so that any zlib state is touched, and the
 * readings printed side by side.
 */
public final class IdleMemoryBench {
    /** JVM options of the measured proxy: the launcher's defaults. */
    static final List<String> PROXY_JVM = Targets.PROXY_JVM;

    private IdleMemoryBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = 9000;
        boolean heartbeats = true;
        boolean deflate = false;
        int message = 16384;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i == 0 && a.chars().allMatch(Character::isDigit)) {
                n = Integer.parseInt(a);
            } else if (a.equals("heartbeat-off") || a.equals("heartbeat-on")) {
                heartbeats = a.equals("heartbeat-on");
            } else if (a.equals("deflate")) {
                deflate = true;
            } else if (a.startsWith("message=")) {
                message = Integer.parseInt(a.substring("message=".length()));
            } else {
                System.err.println("usage: IdleMemoryBench [connections] [heartbeat-on|heartbeat-off] [deflate] [message=BYTES]");
                System.exit(2);
            }
        }
        if (deflate) {
            DeflateIdle.run(n, heartbeats, message);
            return;
        }
        tunnel(n, heartbeats);
    }

    private static void tunnel(int n, boolean heartbeats) throws Exception {
        try (ChildJvm backend = startBackend();
             ChildJvm proxy = startProxy(config(backend.awaitReady(), "", heartbeats))) {
            int port = Integer.parseInt(proxy.awaitReady().replaceAll(".*:", ""));
            // the peer bench's warm-up: one-off costs (class loading, JIT code) stay out of the figure
            List<Socket> warm = new ArrayList<>();
            for (int i = 0; i < Math.min(IdleLoad.WARMUP, n); i++) {
                warm.add(open(port, n + i));
            }
            for (Socket s : warm) {
                s.close();
            }
            Thread.sleep(1000);
            long rss0 = settledRss(proxy);
            long heap0 = heapUsed(proxy);
            List<Socket> sockets = new ArrayList<>(n);
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sockets.add(open(port, i));
            }
            long openMs = (System.nanoTime() - t0) / 1_000_000;
            Thread.sleep(2000);
            long rss1 = settledRss(proxy);
            long heap1 = heapUsed(proxy);
            System.out.printf("idle proxied WebSockets: %d (opened in %d ms), heartbeats %s%n", n, openMs,
                    heartbeats ? "on (20s/10s, both legs)" : "off");
            System.out.printf("proxy RSS   before %,d kB  after %,d kB  delta/conn %,d B%n",
                    rss0 / 1024, rss1 / 1024, (rss1 - rss0) / n);
            System.out.printf("proxy heap  before %,d kB  after %,d kB  delta/conn %,d B%n",
                    heap0 / 1024, heap1 / 1024, (heap1 - heap0) / n);
            System.out.println("heap histogram (top 20) after full GC:");
            proxy.jcmd("GC.class_histogram").lines().limit(23).forEach(System.out::println);
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    static ChildJvm startBackend() throws IOException {
        return ChildJvm.start(List.of("-XX:+UseSerialGC"), EchoServerMain.class.getName(), "ready ");
    }

    /** A config with one route on {@code /} to the backend; {@code routeExtra} adds route keys (indented lines). */
    static String config(String backendAddress, String routeExtra, boolean heartbeats) {
        return "listen: 127.0.0.1:0\nadmin: {listen: 127.0.0.1:0}\npools:\n  echo:\n    backends: ["
                + backendAddress + "]\nroutes:\n  - path: /\n    pool: echo\n" + routeExtra
                + (heartbeats ? "" : "websocket: {heartbeat: off}\n");
    }

    static ChildJvm startProxy(String yaml) throws Exception {
        Path cfg = Files.createTempFile("switchboard-bench", ".yaml");
        Files.writeString(cfg, yaml);
        cfg.toFile().deleteOnExit();
        return ChildJvm.start(PROXY_JVM, "io.switchboard.Main", "switchboard listening on http://", "run", cfg.toString());
    }

    /** RSS at a steady state ({@link Targets#settleJvm}). */
    static long settledRss(ChildJvm proxy) throws Exception {
        Targets.settleJvm(proxy.pid());
        return proxy.rssBytes();
    }

    /** Live heap bytes: the histogram's total line after a full GC. */
    static long heapUsed(ChildJvm proxy) throws Exception {
        String[] lines = proxy.jcmd("GC.class_histogram").strip().split("\n");
        String[] total = lines[lines.length - 1].trim().split("\\s+");
        return Long.parseLong(total[2]);
    }

    /** A minimal client handshake; returns once the 101 has been read. */
    private static Socket open(int port, int i) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        String req = "GET /ws?i=" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        OutputStream out = s.getOutputStream();
        out.write(req.getBytes(StandardCharsets.ISO_8859_1));
        String head = IdleClient.readHead(s);
        if (!head.startsWith("HTTP/1.1 101")) {
            throw new IOException("expected 101, got " + head.lines().findFirst().orElse(""));
        }
        return s;
    }
}
