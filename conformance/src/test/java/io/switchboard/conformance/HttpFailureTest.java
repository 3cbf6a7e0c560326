package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Plain HTTP when a backend fails: a request goes to a second backend only when the first could
 * not be connected to (RFC 9110 §9.2.2: one that had the request may have acted on it), and an
 * answer whose body breaks off reaches the client unfinished (no last chunk), never as a whole
 * one, and is not asked of another backend.
 */
@Timeout(60)
class HttpFailureTest {
    /** A backend on a raw socket: reads each request's head, counts it, and runs its script. */
    private static final class RawBackend implements AutoCloseable {
        interface Script {
            void answer(Socket socket, OutputStream out) throws Exception;
        }

        private final ServerSocket server;
        final AtomicInteger requests = new AtomicInteger();

        RawBackend(Script script) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread.ofVirtual().start(() -> serve(s, script));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void serve(Socket s, Script script) {
            try (s) {
                if (!StubBackend.readHead(s.getInputStream()).endsWith("\r\n\r\n")) {
                    return; // closed before a whole head
                }
                requests.incrementAndGet();
                script.answer(s, s.getOutputStream());
            } catch (Exception e) {
                // the proxy went away
            }
        }

        String address() {
            return "127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static String config(String extra, RawBackend... backends) {
        StringBuilder list = new StringBuilder();
        for (RawBackend b : backends) {
            list.append(list.isEmpty() ? "" : ", ").append(b.address());
        }
        return "listen: 127.0.0.1:0\n" + extra + "pools:\n  web: {backends: [" + list + "], balance: round-robin, attempts: 2}\n"
                + "routes:\n  - {path: /, pool: web}\n";
    }

    /** Sends {@code request} on a raw socket and reads until the proxy closes. */
    private static String untilEof(int port, String request) throws Exception {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aBodyThatBreaksOffReachesTheClientUnfinishedAndIsNotAskedAgain() throws Exception {
        RawBackend.Script breaksOff = (s, out) -> {
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(200);
            s.setSoLinger(true, 0); // the backend dies mid-body
        };
        try (RawBackend a = new RawBackend(breaksOff); RawBackend b = new RawBackend(breaksOff);
             ProxyProcess proxy = ProxyProcess.run(config("", a, b))) {
            String answer = untilEof(proxy.port(), "GET /data HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200").contains("hello");
            assertThat(answer).as("the last chunk would say the body is whole").doesNotEndWith("0\r\n\r\n");
            assertThat(a.requests.get() + b.requests.get()).as("asked of one backend only").isEqualTo(1);
            proxy.awaitLine(l -> l.contains(" http ") && l.contains("aborted="), java.time.Duration.ofSeconds(5));
        }
    }

    @Test
    void aRequestWhoseBackendResetsIsNotSentToAnother() throws Exception {
        RawBackend.Script resets = (s, out) -> s.setSoLinger(true, 0);
        try (RawBackend a = new RawBackend(resets); RawBackend b = new RawBackend(resets);
             ProxyProcess proxy = ProxyProcess.run(config("", a, b))) {
            String answer = untilEof(proxy.port(), "POST /orders/7/cancel HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 502");
            assertThat(a.requests.get() + b.requests.get()).as("a backend may have acted on it").isEqualTo(1);
        }
    }

    @Test
    void aBackendThatTakesTheRequestAndNeverAnswersGets504() throws Exception {
        RawBackend.Script silent = (s, out) -> Thread.sleep(10_000);
        try (RawBackend a = new RawBackend(silent); RawBackend b = new RawBackend(silent);
             ProxyProcess proxy = ProxyProcess.run(config("timeouts: {http-read: 500ms}\n", a, b))) {
            String answer = untilEof(proxy.port(), "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 504");
            assertThat(a.requests.get() + b.requests.get()).isEqualTo(1);
        }
    }

    @Test
    void aNotModifiedWithTheRepresentationsLengthIsRelayedWithoutABody() throws Exception {
        // RFC 9110 §8.6 lets a 304 carry the Content-Length of what it stands for; it has no body
        RawBackend.Script notModified = (s, out) -> {
            out.write("HTTP/1.1 304 \r\nETag: \"a\"\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        };
        try (RawBackend a = new RawBackend(notModified); ProxyProcess proxy = ProxyProcess.run(config("", a))) {
            try (Socket s = new Socket("127.0.0.1", proxy.port())) {
                s.setSoTimeout(3_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write("GET /page HTTP/1.1\r\nHost: x\r\nIf-None-Match: \"a\"\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String head = StubBackend.readHead(in);
                assertThat(head).startsWith("HTTP/1.1 304").contains("ETag: \"a\"").doesNotContainIgnoringCase("content-length: 1234");
                // no body follows: the same connection takes the next request at once
                out.write("GET /page HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                assertThat(StubBackend.readHead(in)).startsWith("HTTP/1.1 304");
            }
        }
    }

    @Test
    void aReloadedReadTimeoutAppliesToTheNextRequest() throws Exception {
        RawBackend.Script silent = (s, out) -> Thread.sleep(10_000);
        try (RawBackend a = new RawBackend(silent)) {
            java.nio.file.Path file = ProxyProcess.writeConfig(config("timeouts: {http-read: 5m}\n", a));
            try (ProxyProcess proxy = ProxyProcess.start("run", file.toString())) {
                // written again every 2 s until applied: a change in the first moments after start can
                // land before the file watch is set up, or within the file system's timestamp step
                long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
                for (int i = 0; !proxy.stderrText().contains("reload applied") && System.nanoTime() < until; i++) {
                    if (i % 40 == 0) {
                        java.nio.file.Files.writeString(file, config("timeouts: {http-read: 1s}\n", a) + "# " + i + "\n");
                    }
                    Thread.sleep(50);
                }
                assertThat(proxy.stderrText()).contains("reload applied");
                long t = System.nanoTime();
                assertThat(untilEof(proxy.port(), "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 504");
                assertThat((System.nanoTime() - t) / 1_000_000).as("ms: the reloaded 1 s, not the 5 min it started with")
                        .isLessThan(5_000);
            }
        }
    }

    @Test
    void anAnswerFramedBothWaysIsRefusedWith502() throws Exception {
        RawBackend.Script both = (s, out) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "5\r\nhello\r\n0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        };
        try (RawBackend a = new RawBackend(both); ProxyProcess proxy = ProxyProcess.run(config("", a))) {
            assertThat(untilEof(proxy.port(), "GET / HTTP/1.1\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 502");
        }
    }

    @Test
    void aConnectFailureIsStillRetriedOnTheNextBackend() throws Exception {
        RawBackend.Script ok = (s, out) -> {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        };
        try (RawBackend live = new RawBackend(ok)) {
            // refused, and a name that does not resolve (RFC 6761): nothing was sent, so the next is asked
            for (String dead : new String[] {StubBackend.deadAddress(), "no-such-host.invalid:9"}) {
                String yaml = "listen: 127.0.0.1:0\npools:\n  web: {backends: [" + dead + ", " + live.address()
                        + "], balance: round-robin, attempts: 2}\nroutes:\n  - {path: /, pool: web}\n";
                try (ProxyProcess proxy = ProxyProcess.run(yaml)) {
                    for (int i = 0; i < 2; i++) { // round robin starts on either: one of the two begins on the dead one
                        assertThat(untilEof(proxy.port(), "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                                .as(dead).startsWith("HTTP/1.1 200").endsWith("ok");
                    }
                }
            }
        }
    }
}
