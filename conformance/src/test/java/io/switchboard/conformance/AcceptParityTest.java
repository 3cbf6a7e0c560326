package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two acceptors treat a WebSocket upgrade alike: the event loop's own head parser
 * ({@code accept: loop}) takes only heads that Helidon ({@code accept: helidon}) would take as they
 * are, and hands everything else to Helidon. Each request goes to one proxy of each kind in front
 * of the same backend; the answers must match, and so must what the backend was sent.
 */
class AcceptParityTest {
    private static final String UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    private static StubBackend backend;
    private static ProxyProcess loop;
    private static ProxyProcess helidon;

    @BeforeAll
    static void start() {
        backend = StubBackend.greeter("hi");
        String config = "listen: 127.0.0.1:0\npools:\n  p: {backends: [" + backend.address() + "]}\n"
                + "routes:\n  - {path: /, pool: p, mode: tunnel}\n";
        loop = ProxyProcess.run(config + "accept: loop\n");
        helidon = ProxyProcess.run(config + "accept: helidon\n");
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {loop, helidon, backend}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing what a failed start left
            }
        }
    }

    /** The status line each proxy answers {@code head} with, loop first, after checking they agree. */
    private static String sameAnswer(String head) throws Exception {
        String viaLoop = HttpHardeningTest.statusOn(loop.port(), head);
        String viaHelidon = HttpHardeningTest.statusOn(helidon.port(), head);
        assertThat(viaLoop).as("accept: loop against accept: helidon for %s", head.lines().limit(2).toList())
                .isEqualTo(viaHelidon);
        return viaLoop;
    }

    /** The header lines named {@code name} in the head the backend last received. */
    private static List<String> lastSent(String name) {
        List<String> heads = backend.requests();
        String last = heads.get(heads.size() - 1);
        return last.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name + ":")).toList();
    }

    @Test
    void aHostThatIsNotAHostNameIsRefusedByBoth() throws Exception {
        for (String host : new String[] {"x:80@evil.example", "x:abc", "x y", ""}) {
            assertThat(sameAnswer("GET /ws HTTP/1.1\r\nHost: " + host + "\r\n" + UPGRADE + "\r\n"))
                    .as("Host: %s", host).startsWith("HTTP/1.1 400");
        }
        // the forms the loop leaves to Helidon still get the same answer from both
        sameAnswer("GET /ws HTTP/1.1\r\nHost: [::1]:80\r\n" + UPGRADE + "\r\n");
        assertThat(sameAnswer("GET /ws HTTP/1.1\r\nHost: chat.example:8080\r\n" + UPGRADE + "\r\n"))
                .startsWith("HTTP/1.1 101");
    }

    @Test
    void aTargetWithCharactersRfc3986DoesNotAllowRawIsRefusedByBoth() throws Exception {
        for (String target : new String[] {"/ws?ids[]=1", "/ws/[a]"}) {
            assertThat(sameAnswer("GET " + target + " HTTP/1.1\r\nHost: x\r\n" + UPGRADE + "\r\n"))
                    .as(target).startsWith("HTTP/1.1 400");
        }
        assertThat(sameAnswer("GET /ws/a;b=c?x=1&y=%20~!$'()*+,:@/? HTTP/1.1\r\nHost: x\r\n" + UPGRADE + "\r\n"))
                .startsWith("HTTP/1.1 101");
    }

    @Test
    void aClientCannotSendHelidonsCertificateHeader() throws Exception {
        for (ProxyProcess proxy : new ProxyProcess[] {loop, helidon}) {
            assertThat(HttpHardeningTest.statusOn(proxy.port(), "GET /ws HTTP/1.1\r\nHost: x\r\nX-Helidon-CN: admin\r\n"
                    + UPGRADE + "\r\n")).startsWith("HTTP/1.1 101");
            assertThat(lastSent("x-helidon-cn")).as("forwarded by %s", proxy == loop ? "loop" : "helidon").isEmpty();
        }
    }

    @Test
    void bytesOutsideAsciiInAValueReachTheBackendAlikeFromBoth() throws Exception {
        String cookie = new String("Cookie: n=Jos\u00e9".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
        String head = "GET /ws HTTP/1.1\r\nHost: x\r\n" + cookie + "\r\n" + UPGRADE + "\r\n";
        assertThat(HttpHardeningTest.statusOn(loop.port(), head)).startsWith("HTTP/1.1 101");
        List<String> viaLoop = lastSent("cookie");
        assertThat(HttpHardeningTest.statusOn(helidon.port(), head)).startsWith("HTTP/1.1 101");
        assertThat(viaLoop).isEqualTo(lastSent("cookie")).hasSize(1);
    }

    @Test
    void aConnectionHeaderCannotRemoveHost() throws Exception {
        for (ProxyProcess proxy : new ProxyProcess[] {loop, helidon}) {
            assertThat(HttpHardeningTest.statusOn(proxy.port(), "GET /ws HTTP/1.1\r\nHost: chat.example\r\n"
                    + "Connection: Upgrade, Host\r\n" + UPGRADE.replace("Connection: Upgrade\r\n", "") + "\r\n"))
                    .startsWith("HTTP/1.1 101");
            assertThat(lastSent("host")).as("forwarded by %s", proxy == loop ? "loop" : "helidon")
                    .containsExactly("Host: chat.example");
        }
    }

    @Test
    void twoUpgradeHeadersGetTheSameAnswerFromBoth() throws Exception {
        sameAnswer("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: h2c\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }
}
