package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Plain HTTP through the proxy: forwarded with {@code X-Forwarded-*} added, and streamed both ways
 * (Server-Sent Events arrive as sent; 100 MiB downloads and uploads pass without being held).
 */
@Timeout(180)
class HttpForwardingTest {
    private static HttpTestBackend http;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        http = HttpTestBackend.start();
        proxy = ProxyProcess.run(config(""));
    }

    /** One route to the HTTP backend, plus {@code extra} top-level lines. */
    private static String config(String extra) {
        return """
                listen: 127.0.0.1:0
                %spools:
                  web:
                    backends: [%s]
                routes:
                  - path: /
                    pool: web
                """.formatted(extra, http.address());
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (http != null) {
            http.close();
        }
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(proxy.http(path)).timeout(Duration.ofSeconds(120));
    }

    @Test
    void aConnectionCloseAnswerEndsTheConnectionAtOnceWithEitherAcceptor() throws Exception {
        // RFC 9112 §9.6: after answering a request that carried "Connection: close" the server
        // closes; before this, the client waited for Helidon's idle timeout (10 s) to see EOF
        try (ProxyProcess helidonAccepts = ProxyProcess.run(config("accept: helidon\n"))) {
            for (int port : new int[] {proxy.port(), helidonAccepts.port()}) {
                String asked = untilEof(port, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                assertThat(asked).as("port " + port).startsWith("HTTP/1.1 200").endsWith("hello from http-backend");
                // the proxy's own refusal says "Connection: close" too: an upgrade with a body
                String refused = untilEof(port, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nContent-Length: 2\r\n\r\nhi");
                assertThat(refused).as("port " + port).startsWith("HTTP/1.1 400");
            }
        }
    }

    @Test
    void aGzipUploadPassesToTheBackendAsItCame() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gz = new java.util.zip.GZIPOutputStream(zipped)) {
            gz.write("{\"logs\": [\"line one\", \"line two\"]}".repeat(50).getBytes(StandardCharsets.UTF_8));
        }
        HttpResponse<byte[]> r = JdkWsClient.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + "/raw"))
                .header("Content-Encoding", "gzip").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(zipped.toByteArray())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as("Helidon refused any Content-Encoding with 400").isEqualTo(200);
        assertThat(r.headers().firstValue("X-Seen-Content-Encoding")).hasValue("gzip");
        assertThat(r.body()).as("the compressed bytes, untouched").isEqualTo(zipped.toByteArray());
        assertThat(r.headers().firstValue("Content-Encoding")).as("the proxy encodes no answer").isEmpty();
    }

    @Test
    void aClientThatStopsReadingIsCutAfterHttpRead() throws Exception {
        // accept: loop (the default): the splice toward the client cuts it, which frees Helidon's
        // blocked write, the request's thread and the backend connection
        try (ProxyProcess quick = ProxyProcess.run(config("timeouts: {http-read: 1s}\n"));
             java.net.Socket s = new java.net.Socket("127.0.0.1", quick.port())) {
            s.setReceiveBufferSize(64 * 1024);
            s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            Thread.sleep(3_000); // reads nothing: every buffer on the way fills, then nothing moves
            s.setSoTimeout(20_000);
            long read = 0;
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = s.getInputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    read += n;
                }
            } catch (java.net.SocketException e) {
                // reset: cut as well
            }
            assertThat(read).as("bytes of a 100 MiB answer before the cut").isLessThan(HttpTestBackend.BIG);
        }
    }

    @Test
    void aWebSocketUpgradedThroughTheSpliceIsNotCutByTheHttpStallLimit() throws Exception {
        // an upgrade after a plain request on the same connection reaches Helidon through the
        // loop's splice: once it is a WebSocket, its own policies apply, not http-read
        byte[] frame = RawWsClient.frame(true, RawWsClient.BINARY, new byte[64 * 1024], false);
        ScriptedBackend.Script pusher = (socket, in, out) -> {
            for (int i = 0; i < 400; i++) { // 25 MiB: far more than the buffers on the way hold
                out.write(frame);
            }
            Thread.sleep(20_000);
        };
        try (ScriptedBackend ws = ScriptedBackend.start(pusher);
             ProxyProcess quick = ProxyProcess.run("listen: 127.0.0.1:0\ntimeouts: {http-read: 1s}\n"
                     + "websocket: {heartbeat: off}\npools:\n  web: {backends: [" + http.address() + "]}\n"
                     + "  ws: {backends: [" + ws.address() + "]}\nroutes:\n  - {path: /ws, pool: ws}\n  - {path: /, pool: web}\n");
             java.net.Socket s = new java.net.Socket("127.0.0.1", quick.port())) {
            s.setReceiveBufferSize(64 * 1024);
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            s.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            StringBuilder first = new StringBuilder();
            while (!first.toString().endsWith("hello from http-backend")) {
                first.append((char) in.read()); // the plain answer, whole, before the upgrade
            }
            assertThat(first.toString()).startsWith("HTTP/1.1 200");
            String key = RawWsClient.newKey();
            s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Thread.sleep(3_000); // reads nothing for three times http-read while the backend pushes
            long read = 0;
            byte[] buf = new byte[64 * 1024];
            int n;
            while (read < 20L << 20 && (n = in.read(buf)) >= 0) {
                read += n;
            }
            assertThat(read).as("bytes after the pause: the WebSocket was not cut").isGreaterThanOrEqualTo(20L << 20);
        }
    }

    @Test
    void aStreamedAnswerToConnectionCloseEndsWithItsLastChunk() throws Exception {
        // Helidon writes a streamed answer's last chunk only when the handler returns normally;
        // ending the connection for "Connection: close" used to come first and cut it off
        String asked = untilEof(proxy.port(), "GET /sse HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(asked).startsWith("HTTP/1.1 200").contains("data: event " + HttpTestBackend.SSE_EVENTS)
                .endsWith("0\r\n\r\n");
    }

    /** Sends {@code request} and reads until the proxy closes; fails if that takes 5 s (half the idle timeout). */
    private static String untilEof(int port, String request) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void getIsForwardedWithStatusHeadersAndBody() throws Exception {
        HttpResponse<String> r = JdkWsClient.HTTP.send(get("/hello").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("hello from http-backend");
        assertThat(r.headers().firstValue("X-Test-Backend")).hasValue("yes");
    }

    @Test
    void forwardedHeadersAreAdded() throws Exception {
        HttpResponse<String> r = JdkWsClient.HTTP.send(get("/headers").header("X-Custom", "kept").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        List<String> lines = r.body().lines().toList();
        assertThat(lines).contains("x-forwarded-for: 127.0.0.1", "x-forwarded-proto: http",
                "x-forwarded-host: 127.0.0.1:" + proxy.port(), "x-custom: kept");
    }

    @Test
    void xForwardedForIsAppendedToAnExistingChain() throws Exception {
        HttpResponse<String> r = JdkWsClient.HTTP.send(get("/headers").header("X-Forwarded-For", "203.0.113.7").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().lines().toList()).contains("x-forwarded-for: 203.0.113.7, 127.0.0.1");
    }

    @Test
    void claimsAClientMakesAboutItselfAreNotPassedOn() throws Exception {
        HttpResponse<String> r = JdkWsClient.HTTP.send(get("/headers").header("Forwarded", "for=10.0.0.1;proto=https")
                .header("X-Real-IP", "10.0.0.1").header("True-Client-IP", "10.0.0.1").header("X-Forwarded-Port", "443")
                .header("X-Forwarded-Prefix", "/admin").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("forwarded:", "x-real-ip", "true-client-ip", "x-forwarded-port", "x-forwarded-prefix")
                .contains("x-forwarded-for: 127.0.0.1");
    }

    @Test
    void serverSentEventsArriveAsTheyAreSent() throws Exception {
        HttpResponse<InputStream> r = JdkWsClient.HTTP.send(get("/sse").header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<Long> arrivals = new ArrayList<>();
        List<String> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    arrivals.add(System.nanoTime());
                    events.add(line.substring(6));
                }
            }
        }
        assertThat(events).containsExactly("event 1", "event 2", "event 3", "event 4", "event 5");
        List<Long> gapsMs = new ArrayList<>();
        for (int i = 1; i < arrivals.size(); i++) {
            gapsMs.add((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000);
        }
        // sent 300 ms apart: a proxy that buffers delivers them in a burst
        assertThat(gapsMs).as("ms between event arrivals").allSatisfy(g -> assertThat(g).isGreaterThan(150));
    }

    @Test
    void hundredMebibyteDownloadIsStreamedNotHeld() throws Exception {
        HttpResponse<InputStream> r = JdkWsClient.HTTP.send(get("/big").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        long total = 0;
        long mismatchAt = -1;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = r.body()) {
            // read 1 MiB, then stop reading for a while: a streaming proxy stalls the backend (TCP
            // backpressure); a proxy that holds the body lets it write all 100 MiB
            while (total < 1024 * 1024) {
                int n = in.read(buf);
                assertThat(n).isPositive();
                mismatchAt = check(buf, n, total, mismatchAt);
                total += n;
            }
            Thread.sleep(1500);
            assertThat(http.bigWritten()).as("bytes the backend could write while the client read only %d", total)
                    .isLessThan(50L * 1024 * 1024);
            int n;
            while ((n = in.read(buf)) >= 0) {
                mismatchAt = check(buf, n, total, mismatchAt);
                total += n;
            }
        }
        assertThat(total).isEqualTo(HttpTestBackend.BIG);
        assertThat(mismatchAt).as("offset of the first wrong byte").isEqualTo(-1);
    }

    private static long check(byte[] buf, int n, long offset, long mismatchAt) {
        if (mismatchAt >= 0) {
            return mismatchAt;
        }
        for (int i = 0; i < n; i++) {
            if (buf[i] != HttpTestBackend.patternByte(offset + i)) {
                return offset + i;
            }
        }
        return -1;
    }

    @Test
    void hundredMebibyteChunkedUploadArrivesWhole() throws Exception {
        HttpRequest req = get("/upload")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> HttpTestBackend.patternStream(HttpTestBackend.BIG)))
                .build();
        HttpResponse<String> r = JdkWsClient.HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("count=" + HttpTestBackend.BIG + " ok=true");
    }

    @Test
    void fixedLengthUploadArrivesWhole() throws Exception {
        byte[] body = HttpTestBackend.patternStream(5_000_000).readAllBytes();
        HttpResponse<String> r = JdkWsClient.HTTP.send(get("/upload").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("count=5000000 ok=true");
    }
}
