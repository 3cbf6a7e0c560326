package io.switchboard.conformance;

import static io.switchboard.conformance.RawWsClient.BINARY;
import static io.switchboard.conformance.RawWsClient.CONT;
import static io.switchboard.conformance.RawWsClient.PING;
import static io.switchboard.conformance.RawWsClient.PONG;
import static io.switchboard.conformance.RawWsClient.TEXT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Data and control frames through the tunnel to a Python {@code websockets} echo backend: message
 * sizes around every length-encoding boundary, fragmentation, pings both ways, and bytes that
 * travel in the same TCP segment as a handshake.
 */
@Timeout(120)
class EchoTest {
    private static PythonWsBackend backend;
    private static StubBackend greeter;
    private static StubBackend recorder;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        startWith("native");
    }

    /** Starts the backends and a proxy on {@code loopIo} ({@link EchoNioTest}: every case again on NIO). */
    static void startWith(String loopIo) {
        backend = PythonWsBackend.start("echo-1");
        greeter = StubBackend.greeter("hello-early");
        recorder = StubBackend.recorder();
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                loop-io: %s
                pools:
                  echo:
                    backends: [%s]
                  greet:
                    backends: [%s]
                  record:
                    backends: [%s]
                routes:
                  - path: /ws
                    pool: echo
                    mode: tunnel
                  - path: /greet
                    pool: greet
                    mode: tunnel
                  - path: /record
                    pool: record
                    mode: tunnel
                """.formatted(loopIo, backend.address(), greeter.address(), recorder.address()));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (backend != null) {
            backend.close();
        }
        if (greeter != null) {
            greeter.close();
        }
        if (recorder != null) {
            recorder.close();
        }
    }

    @ParameterizedTest(name = "text of {0} bytes")
    @ValueSource(ints = {0, 125, 126, 65535, 65536, 16 * 1024 * 1024})
    void textMessagesAreEchoedIntact(int size) {
        String message = randomAscii(size, size);
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=text" + size))) {
            ws.sendText(message);
            String echo = ws.nextText();
            assertThat(echo.length()).isEqualTo(size);
            assertThat(echo.equals(message)).as("echo equals the %d-char message sent", size).isTrue();
        }
    }

    @ParameterizedTest(name = "binary of {0} bytes")
    @ValueSource(ints = {0, 125, 126, 65535, 65536, 16 * 1024 * 1024})
    void binaryMessagesAreEchoedIntact(int size) {
        byte[] message = new byte[size];
        new Random(size).nextBytes(message);
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=binary" + size))) {
            ws.sendBinary(message);
            byte[] echo = ws.nextBinary();
            assertThat(echo.length).isEqualTo(size);
            assertThat(java.util.Arrays.equals(echo, message)).as("echo equals the %d bytes sent", size).isTrue();
        }
    }

    @Test
    void fragmentedMessageIsEchoedIntact() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws?t=fragments", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            RawWsClient c = up.client();
            c.sendFrame(false, TEXT, utf8("Hello, "));
            c.sendFrame(false, CONT, utf8("fragmented "));
            c.sendFrame(true, CONT, utf8("world"));
            RawWsClient.Message m = c.readMessage();
            assertThat(m.opcode()).isEqualTo(TEXT);
            assertThat(m.text()).isEqualTo("Hello, fragmented world");
        }
    }

    @Test
    void fragmentedBinaryWithPingInTheMiddleIsEchoedAndPingAnswered() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws?t=fragments-ping", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            RawWsClient c = up.client();
            byte[] part1 = new byte[300];
            byte[] part2 = new byte[70_000];
            new Random(1).nextBytes(part1);
            new Random(2).nextBytes(part2);
            c.sendFrame(false, BINARY, part1);
            c.sendFrame(true, PING, utf8("in-between"));
            c.sendFrame(true, CONT, part2);
            RawWsClient.Frame pong = c.readFrame();
            assertThat(pong.opcode()).isEqualTo(PONG);
            assertThat(pong.text()).isEqualTo("in-between");
            RawWsClient.Message m = c.readMessage();
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            whole.writeBytes(part1);
            whole.writeBytes(part2);
            assertThat(m.opcode()).isEqualTo(BINARY);
            assertThat(m.payload()).isEqualTo(whole.toByteArray());
        }
    }

    @Test
    void framesFromTheBackendReachTheClientUnmasked() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws?t=unmasked", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            assertThat(up.head().header("Sec-WebSocket-Accept")).isEqualTo(RawWsClient.acceptFor(up.key()));
            up.client().sendText("plain");
            RawWsClient.Frame f = up.client().readFrame();
            assertThat(f.masked()).isFalse();
            assertThat(f.rsv()).isZero();
            assertThat(f.fin()).isTrue();
            assertThat(f.opcode()).isEqualTo(TEXT);
            assertThat(f.text()).isEqualTo("plain");
        }
    }

    @Test
    void clientPingIsAnsweredWithAPongCarryingTheSamePayload() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws?t=ping-raw", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            up.client().sendFrame(true, PING, utf8("ping-payload-123"));
            RawWsClient.Frame f = up.client().readFrame();
            assertThat(f.opcode()).isEqualTo(PONG);
            assertThat(f.text()).isEqualTo("ping-payload-123");
        }
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=ping-jdk"))) {
            ws.sendPing(utf8("jdk-ping"));
            assertThat(new String(ws.nextPong(), StandardCharsets.UTF_8)).isEqualTo("jdk-ping");
        }
    }

    @Test
    void pingsOfEmptyAndMaximalPayloadAreAnswered() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws?t=ping-sizes", Map.of())) {
            byte[] max = new byte[125];
            new Random(125).nextBytes(max);
            for (byte[] payload : new byte[][] {new byte[0], max}) {
                up.client().sendFrame(true, PING, payload);
                RawWsClient.Frame f = up.client().readFrame();
                assertThat(f.opcode()).isEqualTo(PONG);
                assertThat(f.payload()).isEqualTo(payload);
            }
        }
    }

    @Test
    void framesDribbledOneByteAtATimeArriveIntact() throws InterruptedException {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws?t=dribble", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            RawWsClient c = up.client();
            for (byte b : RawWsClient.frame(true, TEXT, utf8("one byte at a time"), true)) {
                c.write(new byte[] {b});
                Thread.sleep(2); // pacing, so the bytes travel in separate segments
            }
            assertThat(c.readMessage().text()).isEqualTo("one byte at a time");
            for (byte b : RawWsClient.frame(true, RawWsClient.CLOSE, RawWsClient.closePayload(4005, "slowly"), true)) {
                c.write(new byte[] {b});
                Thread.sleep(2);
            }
            RawWsClient.Frame close = c.readDataOrClose();
            assertThat(close.opcode()).isEqualTo(RawWsClient.CLOSE);
            assertThat(close.closeCode()).isEqualTo(4005);
        }
        assertThat(backend.awaitClosed("/ws?t=dribble", Duration.ofSeconds(15)).code()).isEqualTo(4005);
    }

    @Test
    void backendPingIsAnsweredByTheClient() {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=pingme"))) {
            // the backend pings, awaits the pong, and reports whether it came
            assertThat(ws.request("pingme")).isEqualTo("pong-ok");
        }
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/ws?t=pingme-raw", Map.of())) {
            RawWsClient c = up.client();
            c.sendText("pingme");
            RawWsClient.Frame ping = c.readFrame();
            assertThat(ping.opcode()).isEqualTo(PING);
            assertThat(ping.text()).isEqualTo("x");
            assertThat(ping.masked()).isFalse();
            c.sendFrame(true, PONG, ping.payload());
            assertThat(c.readMessage().text()).isEqualTo("pong-ok");
        }
    }

    @Test
    void frameSentInTheSameWriteAsTheHandshakeIsNotLost() {
        RawWsClient c = RawWsClient.connect(proxy.port());
        try (c) {
            String key = RawWsClient.newKey();
            byte[] head = RawWsClient.request(proxy.port(), "/ws?t=pipelined", key, Map.of()).getBytes(StandardCharsets.ISO_8859_1);
            byte[] frame = RawWsClient.frame(true, TEXT, utf8("early bird"), true);
            byte[] both = new byte[head.length + frame.length];
            System.arraycopy(head, 0, both, 0, head.length);
            System.arraycopy(frame, 0, both, head.length, frame.length);
            c.write(both);
            RawWsClient.HttpHead answer = c.readHead();
            assertThat(answer.status()).isEqualTo(101);
            assertThat(answer.header("Sec-WebSocket-Accept")).isEqualTo(RawWsClient.acceptFor(key));
            assertThat(c.readMessage().text()).isEqualTo("early bird");
        }
    }

    @Test
    void frameTheBackendSendsInTheSameWriteAsIts101IsNotLost() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/greet", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            RawWsClient.Frame f = up.client().readFrame();
            assertThat(f.opcode()).isEqualTo(TEXT);
            assertThat(f.text()).isEqualTo("hello-early");
            up.client().sendClose(1000, "done");
            RawWsClient.Frame close = up.client().readFrame();
            assertThat(close.opcode()).isEqualTo(RawWsClient.CLOSE);
            assertThat(close.closeCode()).isEqualTo(1000);
        }
    }

    @Test
    void manyMessagesInBothDirectionsKeepTheirOrder() {
        try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=order"))) {
            for (int i = 0; i < 500; i++) {
                ws.sendText("m" + i);
            }
            for (int i = 0; i < 500; i++) {
                assertThat(ws.nextText()).isEqualTo("m" + i);
            }
        }
    }

    @Test
    void clientFramesReachTheBackendByteForByteWithTheirMasks() {
        try (RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/record", Map.of())) {
            assertThat(up.head().status()).isEqualTo(101);
            byte[] big = new byte[70_000];
            new Random(3).nextBytes(big);
            byte[][] frames = {
                RawWsClient.frame(true, TEXT, utf8("masked as sent"), true),
                RawWsClient.frame(false, BINARY, new byte[200], true),
                RawWsClient.frame(true, PING, utf8("p"), true),
                RawWsClient.frame(true, CONT, big, true),
            };
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            for (byte[] f : frames) {
                up.client().write(f);
                expected.writeBytes(f);
            }
            int want = expected.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> recorder.recorded().length >= want);
            assertThat(recorder.recorded()).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void fiftyConcurrentConnectionsEachGetTheirOwnEchoes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                done.add(pool.submit(() -> {
                    try (JdkWsClient ws = JdkWsClient.connect(proxy.ws("/ws?t=concurrent" + n))) {
                        for (int j = 0; j < 20; j++) {
                            assertThat(ws.request("c" + n + "-" + j)).isEqualTo("c" + n + "-" + j);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(90, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code size} random printable ASCII characters. */
    static String randomAscii(int size, long seed) {
        Random r = new Random(seed);
        char[] c = new char[size];
        for (int i = 0; i < size; i++) {
            c[i] = (char) (' ' + r.nextInt(95));
        }
        return new String(c);
    }
}
