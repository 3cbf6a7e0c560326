package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import io.switchboard.demo.EchoBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request-smuggling defences on the plain HTTP path and a bounded network fuzz of the handshake,
 * through the real main: ambiguous framing is refused with 400 (never forwarded), and garbage on
 * the wire leaves no connection behind and the proxy serving.
 */
class HttpHardeningTest {
    private static EchoBackend echo;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        echo = EchoBackend.start("e");
        proxy = ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  e: {backends: [" + echo.address() + "]}\n"
                + "routes:\n  - {path: /, pool: e}\ntimeouts: {handshake: 2s}\n");
    }

    @AfterAll
    static void stop() {
        proxy.close();
        echo.close();
    }

    /** Sends raw bytes, returns the status line of the answer ("" when the connection just closed). */
    private static String statusOf(String request) throws Exception {
        return statusOn(proxy.port(), request);
    }

    /** Sends {@code parts} (100 ms apart, so each arrives in a read of its own) and returns the answer's status line. */
    static String statusOn(int port, String... parts) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            s.setTcpNoDelay(true);
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    Thread.sleep(100);
                }
                s.getOutputStream().write(parts[i].getBytes(StandardCharsets.ISO_8859_1));
            }
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) >= 0 && c != '\r') {
                line.append((char) c);
            }
            return line.toString();
        }
    }

    @Test
    void conflictingContentLengthAndTransferEncodingIsRefused() throws Exception {
        assertThat(statusOf("POST /name HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n")).startsWith("HTTP/1.1 400");
    }

    @Test
    void twoDifferentContentLengthsAreRefused() throws Exception {
        assertThat(statusOf("POST /name HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"))
                .startsWith("HTTP/1.1 400");
    }

    @Test
    void obsFoldedHeadersAreRefused() throws Exception {
        assertThat(statusOf("GET /name HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n")).startsWith("HTTP/1.1 400");
    }

    @Test
    void oversizeHeadersAreRefused() throws Exception {
        String status = statusOf("GET /name HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(64 * 1024) + "\r\n\r\n");
        assertThat(status).matches("HTTP/1.1 4(00|31).*|");
    }

    @Test
    void theHeaderSizeLimitIsConfigurable() throws Exception {
        try (ProxyProcess small = ProxyProcess.run("listen: 127.0.0.1:0\npools:\n  e: {backends: [" + echo.address() + "]}\n"
                + "routes:\n  - {path: /, pool: e}\nlimits: {max-header-size: 2KiB}\n")) {
            assertThat(statusOn(small.port(), "GET /name HTTP/1.1\r\nHost: x\r\nX-A: " + "a".repeat(1000) + "\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            assertThat(statusOn(small.port(), "GET /name HTTP/1.1\r\nHost: x\r\nX-A: " + "a".repeat(4000) + "\r\n\r\n"))
                    .matches("HTTP/1.1 4(00|31).*|");
        }
    }

    @Test
    void anOversizeUpgradeIsRefusedWithEitherAccept() throws Exception {
        for (String accept : new String[] {"loop", "helidon"}) {
            try (ProxyProcess small = ProxyProcess.run("listen: 127.0.0.1:0\naccept: " + accept + "\npools:\n  e: {backends: ["
                    + echo.address() + "]}\nroutes:\n  - {path: /, pool: e}\nlimits: {max-header-size: 2KiB}\n")) {
                String upgrade = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
                assertThat(statusOn(small.port(), upgrade + "X-A: " + "a".repeat(1000) + "\r\n\r\n"))
                        .as("accept: %s, a head under the limit", accept).startsWith("HTTP/1.1 101");
                // in one write, so the loop reads the whole head at once
                assertThat(statusOn(small.port(), upgrade + "X-A: " + "a".repeat(4000) + "\r\n\r\n"))
                        .as("accept: %s, a head over the limit", accept).matches("HTTP/1.1 4(00|31).*");
                // and in two writes: the head is gathered over two reads and completes above the limit
                assertThat(statusOn(small.port(), upgrade + "X-A: " + "a".repeat(1000),
                        "a".repeat(3000) + "\r\n\r\n"))
                        .as("accept: %s, a head over the limit in two writes", accept).matches("HTTP/1.1 4(00|31).*");
            }
        }
    }

    @Test
    void anUpgradeWithARequestLineOver8KiBIsRefusedUnderTheHeadLimit() throws Exception {
        // 9,000 bytes of target: over the 8KiB request-line cap, under the default 16KiB head limit
        String line = "GET /ws?q=" + "a".repeat(9000) + " HTTP/1.1\r\n";
        assertThat(statusOf(line + "Host: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"))
                .matches("HTTP/1.1 4(00|14).*");
    }

    @Test
    void anUpgradeWithABodyIsRefused() throws Exception {
        assertThat(statusOf("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 5\r\n\r\nhello"))
                .startsWith("HTTP/1.1 400");
    }

    @Test
    void garbageOnTheWireLeavesNothingBehind() throws Exception {
        Random random = new Random(20261123L);
        for (int i = 0; i < 300; i++) {
            byte[] junk = new byte[1 + random.nextInt(600)];
            random.nextBytes(junk);
            if (i % 3 == 0) { // a valid upgrade followed by random frames
                try (var up = RawWsClient.upgrade(proxy.port(), "/fuzz", Map.of())) {
                    up.client().write(junk);
                    up.client().awaitEof(Duration.ofMillis(50));
                }
                continue;
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 2000);
                s.getOutputStream().write(junk);
            }
        }
        // still serving, and every fuzzed tunnel gone once the close timeout passed
        try (var up = RawWsClient.upgrade(proxy.port(), "/after", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            up.client().sendText("ok");
            assertThat(up.client().readMessage().text()).isEqualTo("ok");
        }
        assertThat(proxy.isAlive()).isTrue();
        var http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String pools;
        do {
            Thread.sleep(200);
            pools = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + proxy.adminPort()
                    + "/admin/pools")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        } while (!pools.contains("\"open\":0") && System.nanoTime() < deadline);
        assertThat(pools).as("no tunnel left open").contains("\"open\":0");
    }
}
