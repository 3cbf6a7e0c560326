package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.DataFormatException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * permessage-deflate per leg in terminate mode (RFC 7692): the proxy negotiates compression with
 * the client and with the backend separately, as each route's {@code deflate} section says, and
 * converts between them. A real Python {@code websockets} client and backend (each able to
 * deflate) show what each leg agreed; a raw client checks the wire and the failure codes.
 */
@Timeout(120)
class TerminateDeflateTest {
    private static PythonWsBackend backend;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        backend = PythonWsBackend.start("deflating", true);
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  py:
                    backends: [%s]
                routes:
                  - path: /offload
                    pool: py
                    mode: terminate
                    deflate: {client: true, backend: false}
                  - path: /both
                    pool: py
                    mode: terminate
                    deflate: {client: true, backend: true, level: 6}
                  - path: /reverse
                    pool: py
                    mode: terminate
                    deflate: {client: false, backend: true}
                  - path: /takeover
                    pool: py
                    mode: terminate
                    websocket: {max-message-size: 1MiB}
                    deflate: {client: true, context-takeover: true, min-size: 0}
                  - path: /plain
                    pool: py
                    mode: terminate
                """.formatted(backend.address()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @Test
    void compressionOffloadDeflatesTowardTheClientAndTalksPlainToTheBackend() throws Exception {
        Map<String, String> out = NegotiationTest.runPythonClient(proxy.ws("/offload?t=offload").toString());
        assertThat(out.get("extensions")).isEqualTo("permessage-deflate");
        assertThat(out.get("response-extensions")).isEqualTo(
                "permessage-deflate; server_no_context_takeover; client_no_context_takeover");
        assertThat(out.get("text-echo")).isEqualTo("ok");
        assertThat(out.get("binary-echo")).isEqualTo("ok");
        assertThat(out.get("backend-extensions")).isEqualTo("[]");
    }

    @Test
    void bothLegsCompressWhenBothAgree() throws Exception {
        Map<String, String> out = NegotiationTest.runPythonClient(proxy.ws("/both?t=both").toString());
        assertThat(out.get("extensions")).isEqualTo("permessage-deflate");
        assertThat(out.get("text-echo")).isEqualTo("ok");
        assertThat(out.get("binary-echo")).isEqualTo("ok");
        assertThat(out.get("backend-extensions")).isEqualTo("[\"permessage-deflate\"]");
    }

    @Test
    void backendCompressionWithAPlainClient() throws Exception {
        Map<String, String> out = NegotiationTest.runPythonClient(proxy.ws("/reverse?t=reverse").toString());
        assertThat(out.get("extensions")).isEmpty();
        assertThat(out.get("response-extensions")).isEqualTo("None");
        assertThat(out.get("text-echo")).isEqualTo("ok");
        assertThat(out.get("binary-echo")).isEqualTo("ok");
        assertThat(out.get("backend-extensions")).isEqualTo("[\"permessage-deflate\"]");
    }

    @Test
    void compressedEchoOnTheWireAndContextTakeoverAcrossMessages() throws DataFormatException {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/takeover?t=raw",
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate; client_no_context_takeover"))) {
            assertThat(up.head().status()).isEqualTo(101);
            assertThat(up.head().header("Sec-WebSocket-Extensions"))
                    .isEqualTo("permessage-deflate; client_no_context_takeover");
            // varied words compress little on their own; a second copy is one long back-reference
            java.util.Random random = new java.util.Random(7);
            StringBuilder sb = new StringBuilder();
            while (sb.length() < 8000) {
                sb.append(random.ints(2 + random.nextInt(8), 'a', 'z' + 1)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)).append("ü ");
            }
            String text = sb.toString();
            java.util.zip.Inflater window = new java.util.zip.Inflater(true); // the server keeps its context
            int[] sizes = new int[2];
            for (int i = 0; i < 2; i++) {
                sendCompressed(up.client(), text);
                RawWsClient.Frame echo = up.client().readFrame();
                assertThat(echo.opcode()).isEqualTo(RawWsClient.TEXT);
                assertThat(echo.fin()).isTrue();
                assertThat(echo.rsv()).as("RSV1 on the echo").isEqualTo(0x40);
                assertThat(new String(PmdBytes.inflate(window, echo.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
                sizes[i] = echo.payload().length;
            }
            assertThat(sizes[1]).as("the second copy refers back into the first").isLessThan(sizes[0] / 2);
            window.end();
        }
    }

    @Test
    void smallMessagesGoUncompressed() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/offload?t=small",
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate"))) {
            up.client().sendText("tiny"); // under the default min-size of 256 bytes
            RawWsClient.Frame echo = up.client().readFrame();
            assertThat(echo.rsv()).isZero();
            assertThat(echo.text()).isEqualTo("tiny");
        }
    }

    @Test
    void rsv1WithoutNegotiationIsAProtocolError() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/plain?t=rsv1", Map.of())) {
            assertThat(up.head().header("Sec-WebSocket-Extensions")).isNull();
            sendCompressed(up.client(), "x".repeat(200));
            assertThat(up.client().readDataOrClose().closeCode()).isEqualTo(1002);
        }
    }

    @Test
    void corruptDeflateDataGets1007() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/offload?t=corrupt",
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate"))) {
            byte[] frame = RawWsClient.frame(true, RawWsClient.BINARY, new byte[] {(byte) 0xff, (byte) 0xff, 1, 2, 3}, true);
            frame[0] |= 0x40;
            up.client().write(frame);
            assertThat(up.client().readDataOrClose().closeCode()).isEqualTo(1007);
        }
    }

    @Test
    void aSmallCompressedFrameInflatingPastTheLimitGets1009() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/takeover?t=bomb",
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate"))) {
            byte[] bomb = PmdBytes.deflate(new byte[4 << 20]); // 4 MiB of zeros, a few KiB compressed
            assertThat(bomb.length).isLessThan(64 * 1024);
            byte[] frame = RawWsClient.frame(true, RawWsClient.BINARY, bomb, true);
            frame[0] |= 0x40;
            up.client().write(frame);
            assertThat(up.client().readDataOrClose().closeCode()).isEqualTo(1009);
        }
    }

    @Test
    void rsv1OnAContinuationFrameIsAProtocolError() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/offload?t=rsv1-cont",
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate"))) {
            up.client().sendFrame(false, RawWsClient.TEXT, "abc".getBytes(StandardCharsets.UTF_8));
            byte[] frame = RawWsClient.frame(true, RawWsClient.CONT, "def".getBytes(StandardCharsets.UTF_8), true);
            frame[0] |= 0x40;
            up.client().write(frame);
            assertThat(up.client().readDataOrClose().closeCode()).isEqualTo(1002);
        }
    }

    private static void sendCompressed(RawWsClient client, String text) {
        byte[] frame = RawWsClient.frame(true, RawWsClient.TEXT, PmdBytes.deflate(text.getBytes(StandardCharsets.UTF_8)), true);
        frame[0] |= 0x40; // RSV1: compressed (RFC 7692 §6)
        client.write(frame);
    }
}
