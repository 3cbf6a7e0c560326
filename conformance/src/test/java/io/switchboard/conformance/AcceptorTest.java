package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.switchboard.ws.Handshake;

/**
 * The proxy's own listener (plain TCP): WebSocket upgrades are read and dialled on the event loop,
 * everything else is spliced to Helidon. Each connection here comes from 127.0.0.2, so a test
 * fails if either path reports the loop's own loopback address instead of the client's.
 */
@Timeout(60)
class AcceptorTest {
    private static final String CLIENT = "127.0.0.2";
    private static HttpTestBackend http;
    private static StubBackend ws;
    private static SlowBackend slow;
    private static ProxyProcess proxy;
    private static String expectedIo;

    @BeforeAll
    static void start() throws IOException {
        startWith("");
    }

    /** Starts the backends and a proxy with {@code extra} config lines ({@link AcceptorNioTest}: NIO sockets). */
    static void startWith(String extra) throws IOException {
        expectedIo = extra.contains("loop-io: nio") ? "nio" : "native";
        http = HttpTestBackend.start();
        ws = StubBackend.recorder();
        slow = new SlowBackend();
        proxy = ProxyProcess.run(config(extra));
    }

    /** Both backends, /ws to the recorder and the rest to the HTTP backend, plus {@code extra} lines. */
    private static String config(String extra) {
        return """
                listen: 127.0.0.1:0
                %spools:
                  web:
                    backends: [%s]
                  ws:
                    backends: [%s]
                  slow:
                    backends: [%s]
                routes:
                  - path: /ws
                    pool: ws
                  - path: /slow
                    pool: slow
                  - path: /
                    pool: web
                """.formatted(extra, http.address(), ws.address(), slow.address());
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        if (ws != null) {
            ws.close();
        }
        if (slow != null) {
            slow.close();
        }
        if (http != null) {
            http.close();
        }
    }

    @Test
    void theLoopRunsOnTheSocketsLoopIoAsksFor() {
        // a JVM that cannot run the native sockets (JDK 21) falls back to NIO and says so
        String expected = expectedIo.equals("native") && Runtime.version().feature() < 22 ? "nio" : expectedIo;
        assertThat(proxy.lines()).contains("switchboard event loop: " + expected);
    }

    @Test
    void anUpgradeIsDialledWithTheClientsAddressAndItsFramesAreRelayed() throws Exception {
        try (Socket s = fromClient()) {
            String key = RawWsClient.newKey();
            write(s, RawWsClient.request(proxy.port(), "/ws/a?x=1", key, Map.of("X-Trace", "t1")));
            String head = readHead(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 101").contains(RawWsClient.acceptFor(key));
            byte[] frame = RawWsClient.frame(true, RawWsClient.TEXT, "hello".getBytes(StandardCharsets.UTF_8), true);
            s.getOutputStream().write(frame);
            String request = awaitRequest("X-Trace: t1");
            assertThat(request).startsWith("GET /ws/a?x=1 HTTP/1.1")
                    .containsIgnoringCase("X-Forwarded-For: " + CLIENT);
            awaitRecorded(frame.length);
        }
    }

    @Test
    void bytesTheClientSendsWhileTheBackendIsDialledReachTheBackendAfterThe101() throws Exception {
        // RFC 6455 §4.1 tells a client to wait for the 101, but a proxy that loses what an eager
        // one sends (or its end of input) would corrupt the stream; the frame here arrives while
        // the backend holds its 101 back, so the client socket is ready before the tunnel exists
        try (Socket s = fromClient()) {
            String key = RawWsClient.newKey();
            write(s, RawWsClient.request(proxy.port(), "/slow", key, Map.of()));
            byte[] frame = RawWsClient.frame(true, RawWsClient.TEXT, "early".getBytes(StandardCharsets.UTF_8), true);
            slow.headSeen.await();
            s.getOutputStream().write(frame);
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 101").contains(RawWsClient.acceptFor(key));
            assertThat(slow.afterHandshake(frame.length)).isEqualTo(frame);
        }
    }

    @Test
    void plainHttpGoesToHelidonWithTheClientsAddress() throws Exception {
        try (Socket s = fromClient()) {
            write(s, "GET /headers HTTP/1.1\r\nHost: example.test\r\n\r\n");
            assertThat(readResponse(s)).startsWith("HTTP/1.1 200").contains("x-forwarded-for: " + CLIENT)
                    .contains("x-forwarded-host: example.test");
        }
        proxy.awaitLine(l -> l.contains("http client=" + CLIENT) && l.contains("path=/headers"), Duration.ofSeconds(10));
    }

    @Test
    void aRequestThenAnUpgradeOnOneConnectionBothWork() throws Exception {
        // after the request the connection is Helidon's (spliced): the upgrade takes Helidon's path
        requestThenUpgrade(proxy.port(), "/ws/later", "t3");
    }

    /** A plain request, then an upgrade on the same connection: both name the client. */
    private static void requestThenUpgrade(int port, String path, String trace) throws Exception {
        try (Socket s = fromClient(port)) {
            write(s, "GET /headers HTTP/1.1\r\nHost: example.test\r\n\r\n");
            assertThat(readResponse(s)).startsWith("HTTP/1.1 200").contains("x-forwarded-for: " + CLIENT);
            String key = RawWsClient.newKey();
            write(s, RawWsClient.request(port, path, key, Map.of("X-Trace", trace)));
            assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 101").contains(RawWsClient.acceptFor(key));
            assertThat(awaitRequest("X-Trace: " + trace)).containsIgnoringCase("X-Forwarded-For: " + CLIENT);
        }
    }

    @Test
    void aPostIsHandedOverWithItsBody() throws Exception {
        // small: /headers answers without reading the body (a large one could fail the forwarder's
        // upload with a broken pipe); HttpForwardingTest's 100 MiB upload covers a large body
        try (Socket s = fromClient()) {
            String body = "x".repeat(2_000);
            write(s, "POST /headers HTTP/1.1\r\nHost: example.test\r\nContent-Length: " + body.length() + "\r\n\r\n"
                    + body);
            assertThat(readResponse(s)).startsWith("HTTP/1.1 200").contains("x-forwarded-for: " + CLIENT);
        }
    }

    @Test
    void aMalformedRequestGetsHelidonsAnswer() throws Exception {
        try (Socket s = fromClient()) {
            // a request line without a version: not a WebSocket upgrade, so Helidon judges it
            write(s, "GET /ws\r\nHost: example.test\r\n\r\n");
            String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void withAcceptHelidonHelidonTakesEveryConnectionAndTheSameRequestsWork() throws Exception {
        try (ProxyProcess helidon = ProxyProcess.run(config("accept: helidon\n"))) {
            requestThenUpgrade(helidon.port(), "/ws/h", "t6");
        }
    }

    private static Socket fromClient() throws IOException {
        return fromClient(proxy.port());
    }

    private static Socket fromClient(int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(CLIENT, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
    }

    /** Reads a response head byte by byte, so nothing after it is consumed. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** A response head and its Content-Length body, leaving the connection open. */
    private static String readResponse(Socket s) throws IOException {
        String head = readHead(s.getInputStream());
        int length = Integer.parseInt(header(head, "content-length"));
        return head + new String(s.getInputStream().readNBytes(length), StandardCharsets.ISO_8859_1);
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static String awaitRequest(String marker) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            for (String r : ws.requests()) {
                if (r.contains(marker)) {
                    return r;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the backend never got the request with " + marker + ": " + ws.requests());
    }

    /** A backend that holds its 101 back for a moment after the request head, then records what follows. */
    private static final class SlowBackend implements AutoCloseable {
        final CountDownLatch headSeen = new CountDownLatch(1);
        private final ServerSocket server;
        private final CompletableFuture<Socket> accepted = new CompletableFuture<>();

        SlowBackend() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(this::serve);
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        private void serve() {
            try {
                Socket s = server.accept();
                accepted.complete(s);
                String head = readHead(s.getInputStream());
                headSeen.countDown();
                Thread.sleep(300); // the client's frame is in the proxy's socket by now
                write(s, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Accept: " + Handshake.acceptKey(header(head, "sec-websocket-key"))
                        + "\r\n\r\n");
            } catch (IOException | InterruptedException e) {
                accepted.completeExceptionally(e);
            }
        }

        /** The first {@code n} bytes the proxy relayed after the 101. */
        byte[] afterHandshake(int n) throws Exception {
            Socket s = accepted.get(20, TimeUnit.SECONDS);
            s.setSoTimeout(20_000);
            return s.getInputStream().readNBytes(n);
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (accepted.isDone() && !accepted.isCompletedExceptionally()) {
                accepted.join().close();
            }
        }
    }

    private static void awaitRecorded(int atLeast) throws InterruptedException {
        for (int i = 0; i < 200 && ws.recorded().length < atLeast; i++) {
            Thread.sleep(50);
        }
        assertThat(ws.recorded().length).isGreaterThanOrEqualTo(atLeast);
    }
}
