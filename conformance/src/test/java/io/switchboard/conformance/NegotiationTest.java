package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What is negotiated end to end between client and backend passes the tunnel untouched:
 * subprotocols, permessage-deflate (compressed frames with RSV1 set), and request headers, to
 * which the proxy adds {@code X-Forwarded-For}.
 */
@Timeout(120)
class NegotiationTest {
    private static PythonWsBackend plain;
    private static PythonWsBackend deflating;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        plain = PythonWsBackend.start("plain");
        deflating = PythonWsBackend.start("deflating", true);
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  plain:
                    backends: [%s]
                  deflating:
                    backends: [%s]
                routes:
                  - path: /plain
                    pool: plain
                    mode: tunnel
                  - path: /deflate
                    pool: deflating
                    mode: tunnel
                """.formatted(plain.address(), deflating.address()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (plain != null) {
            plain.close();
        }
        if (deflating != null) {
            deflating.close();
        }
    }

    @Test
    void offeredSubprotocolChosenByTheBackendIsInThe101() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/plain?t=proto",
                Map.of("Sec-WebSocket-Protocol", "chat"))) {
            assertThat(up.head().status()).isEqualTo(101);
            assertThat(up.head().header("Sec-WebSocket-Protocol")).isEqualTo("chat");
            up.client().sendText("/subprotocol");
            assertThat(up.client().readMessage().text()).isEqualTo("chat");
        }
    }

    @Test
    void withoutAnOfferThereIsNoSubprotocol() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/plain?t=noproto", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            assertThat(up.head().header("Sec-WebSocket-Protocol")).isNull();
            up.client().sendText("/subprotocol");
            assertThat(up.client().readMessage().text()).isEmpty();
        }
    }

    @Test
    void jdkClientGetsTheSubprotocol() {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/plain?t=jdkproto"), Map.of(), "superchat", "chat")) {
            String chosen = ws.socket().getSubprotocol();
            assertThat(chosen).isIn("superchat", "chat");
            assertThat(ws.request("/subprotocol")).isEqualTo(chosen);
        }
    }

    @Test
    void permessageDeflateNegotiatedEndToEndWithPythonClient() throws Exception {
        Map<String, String> out = runPythonClient(proxy.ws("/deflate?t=pyclient").toString());
        assertThat(out.get("extensions")).isEqualTo("permessage-deflate");
        assertThat(out.get("response-extensions")).startsWith("permessage-deflate");
        assertThat(out.get("subprotocol")).isEqualTo("superchat");
        assertThat(out.get("text-echo")).isEqualTo("ok");
        assertThat(out.get("binary-echo")).isEqualTo("ok");
        assertThat(out.get("backend-extensions")).isEqualTo("[\"permessage-deflate\"]");
    }

    @Test
    void deflateOfferDeclinedByTheBackendIsDeclinedEndToEnd() throws Exception {
        Map<String, String> out = runPythonClient(proxy.ws("/plain?t=pyclient-nodeflate").toString());
        assertThat(out.get("extensions")).isEmpty();
        assertThat(out.get("response-extensions")).isEqualTo("None");
        assertThat(out.get("text-echo")).isEqualTo("ok");
        assertThat(out.get("binary-echo")).isEqualTo("ok");
        assertThat(out.get("backend-extensions")).isEqualTo("[]");
    }

    @Test
    void compressedFramesWithRsv1PassByteForByte() throws DataFormatException {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/deflate?t=raw-deflate",
                Map.of("Sec-WebSocket-Extensions", "permessage-deflate"))) {
            assertThat(up.head().status()).isEqualTo(101);
            assertThat(up.head().header("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
            String text = "squeeze ".repeat(2000);
            byte[] compressed = PmdBytes.deflate(text.getBytes(StandardCharsets.UTF_8));
            byte[] frame = RawWsClient.frame(true, RawWsClient.TEXT, compressed, true);
            frame[0] |= 0x40; // RSV1: this message is compressed
            up.client().write(frame);
            RawWsClient.Frame echo = up.client().readFrame();
            assertThat(echo.opcode()).isEqualTo(RawWsClient.TEXT);
            assertThat(echo.rsv()).as("RSV bits of the echo").isEqualTo(0x40);
            assertThat(echo.payload().length).as("compressed size").isLessThan(text.length() / 10);
            assertThat(new String(PmdBytes.inflate(echo.payload()), StandardCharsets.UTF_8)).isEqualTo(text);
        }
    }

    @Test
    void backendSeesXForwardedForAndTheClientsHeaders() {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/plain?t=headers"), Map.of("X-Custom", "custom-value"))) {
            String json = ws.request("/headers");
            assertThat(jsonString(json, "x-forwarded-for")).isEqualTo("127.0.0.1");
            assertThat(jsonString(json, "x-custom")).isEqualTo("custom-value");
            assertThat(jsonString(json, "upgrade")).isEqualToIgnoringCase("websocket");
        }
    }

    /** The string value of {@code key} in a flat JSON object as Python's json.dumps writes it. */
    private static String jsonString(String json, String key) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(key) + "\": \"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** Runs ws_deflate_client.py against {@code uri}; its "key=value" findings. */
    static Map<String, String> runPythonClient(String uri) throws Exception {
        Process p = new ProcessBuilder(PythonWsBackend.PYTHON, "-u",
                PythonWsBackend.resource("ws_deflate_client.py").toString(), uri).start();
        OutputLines out = new OutputLines("python client stdout", p.getInputStream());
        OutputLines err = new OutputLines("python client stderr", p.getErrorStream());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python client did not finish; stdout:\n" + out.text() + "\nstderr:\n" + err.text());
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!out.ended() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(p.exitValue()).as("python client exit; stdout:\n%s\nstderr:\n%s", out.text(), err.text()).isZero();
        Map<String, String> result = new LinkedHashMap<>();
        for (String line : out.snapshot()) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                result.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return result;
    }
}
