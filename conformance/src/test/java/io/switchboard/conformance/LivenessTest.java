package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;

import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Opcode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats and reaping, through the real proxy: a peer that goes silent is reaped within
 * interval + timeout (+1 s of slack), the live peer gets a Close, the proxy's own pings go only
 * between frames, and the peers' own pings and pongs pass through.
 */
class LivenessTest {
    private static PythonWsBackend python;
    private static ScriptedBackend silent;
    private static ScriptedBackend chopper;
    private static ScriptedBackend parked;
    /** The proxy's own port on each connection the parked backend accepted. */
    private static final java.util.concurrent.BlockingQueue<Integer> PARKED_PEERS = new java.util.concurrent.LinkedBlockingQueue<>();
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        python = PythonWsBackend.start("py");
        silent = ScriptedBackend.start((socket, in, out) -> Thread.sleep(60_000)); // reads nothing, answers nothing
        chopper = ScriptedBackend.start(LivenessTest::sendChoppedMessage);
        parked = ScriptedBackend.start((socket, in, out) -> {
            PARKED_PEERS.add(socket.getPort());
            Thread.sleep(60_000); // an idle WebSocket: nothing moves either way
        });
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  py: {backends: [%s]}
                  silent: {backends: [%s]}
                  chopper: {backends: [%s]}
                  parked: {backends: [%s]}
                websocket:
                  heartbeat: off
                routes:
                  - path: /client-hb
                    pool: py
                    websocket: {heartbeat: {downstream: {interval: 300ms, timeout: 300ms}}}
                  - path: /backend-hb
                    pool: silent
                    websocket: {heartbeat: {upstream: {interval: 300ms, timeout: 300ms}}}
                  - path: /chopped
                    pool: chopper
                    websocket: {heartbeat: {downstream: {interval: 100ms, timeout: 5s}}}
                  - path: /both-hb
                    pool: py
                    websocket: {heartbeat: {interval: 100ms, timeout: 2s}}
                  - path: /parked
                    pool: parked
                """.formatted(python.address(), silent.address(), chopper.address(), parked.address()));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        python.close();
        silent.close();
        chopper.close();
        parked.close();
    }

    @Test
    void aSilentClientIsReapedAndTheBackendGets1001() {
        RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/client-hb?c=1", Map.of());
        assertThat(up.head().status()).isEqualTo(101);
        long opened = System.nanoTime();
        // the client now reads nothing and answers nothing, like a phone that lost its signal
        PythonWsBackend.Closed closed = python.awaitClosed("/client-hb?c=1", Duration.ofSeconds(5));
        long tookMs = (System.nanoTime() - opened) / 1_000_000;
        assertThat(closed.code()).isEqualTo(1001);
        assertThat(closed.reason()).isEqualTo("downstream timeout");
        assertThat(tookMs).as("reaped within interval + timeout + 1 s").isLessThan(1600L);
        String log = proxy.awaitLine(l -> l.contains(" ws ") && l.contains("path=/client-hb"), Duration.ofSeconds(5));
        assertThat(log).contains("closed-by=client-reaped").contains("close=1001");
        assertThat(durationMs(log)).as("not before interval + timeout").isBetween(600L, 1600L);
        up.close();
    }

    @Test
    void aSilentBackendIsReapedAndTheClientGets1014() {
        RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/backend-hb", Map.of());
        assertThat(up.head().status()).isEqualTo(101);
        long opened = System.nanoTime();
        RawWsClient.Frame f = up.client().readFrame(); // the proxy's pings go to the backend, not here
        long tookMs = (System.nanoTime() - opened) / 1_000_000;
        assertThat(f.opcode()).isEqualTo(RawWsClient.CLOSE);
        assertThat(f.closeCode()).isEqualTo(1014);
        assertThat(f.closeReason()).isEqualTo("upstream timeout");
        assertThat(tookMs).isLessThan(1600L);
        up.client().sendClose(1000, "");
        assertThat(up.client().awaitEof(Duration.ofSeconds(2))).isTrue();
        String log = proxy.awaitLine(l -> l.contains(" ws ") && l.contains("path=/backend-hb"), Duration.ofSeconds(5));
        assertThat(log).contains("closed-by=backend-reaped").contains("close=1014");
        assertThat(durationMs(log)).isGreaterThanOrEqualTo(600L);
        up.close();
    }

    @Test
    void pingsGoBetweenFramesOnlyAndTheMessageArrivesIntact() {
        RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/chopped", Map.of());
        assertThat(up.head().status()).isEqualTo(101);
        RawWsClient client = up.client();
        client.readTimeout(Duration.ofSeconds(30));
        int pings = 0;
        long received = 0;
        int expectedIndex = 0;
        boolean done = false;
        while (!done) {
            RawWsClient.Frame f = client.readFrame(); // fails if a ping ever landed inside a frame
            assertThat(f.masked()).isFalse();
            if (f.opcode() == RawWsClient.PING) {
                pings++;
                assertThat(f.payload()).hasSize(12);
                client.sendFrame(true, RawWsClient.PONG, f.payload());
                continue;
            }
            assertThat(f.opcode()).isEqualTo(expectedIndex == 0 ? RawWsClient.BINARY : RawWsClient.CONT);
            for (byte b : f.payload()) {
                assertThat(b).isEqualTo(pattern(received++));
            }
            expectedIndex++;
            done = f.fin();
        }
        assertThat(received).isEqualTo(CHOPPED_TOTAL);
        assertThat(pings).as("the client was silent for longer than the interval between fragments").isPositive();
        client.sendClose(1000, "");
        up.close();
    }

    @Test
    void thePeersOwnPingsAndPongsPassThrough() {
        RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/both-hb", Map.of());
        RawWsClient client = up.client();
        client.sendFrame(true, RawWsClient.PING, "client-ping".getBytes());
        RawWsClient.Frame pong = nextNonProxyFrame(client);
        assertThat(pong.opcode()).isEqualTo(RawWsClient.PONG);
        assertThat(new String(pong.payload())).isEqualTo("client-ping");
        client.sendText("pingme"); // the backend pings the client and reports whether the pong came back
        RawWsClient.Frame backendPing = nextNonProxyFrame(client);
        assertThat(backendPing.opcode()).isEqualTo(RawWsClient.PING);
        assertThat(new String(backendPing.payload())).isEqualTo("x");
        client.sendFrame(true, RawWsClient.PONG, backendPing.payload());
        assertThat(nextNonProxyFrame(client).text()).isEqualTo("pong-ok");
        client.sendClose(1000, "");
        up.close();
    }

    @Test
    void bothLegsOfAnIdleWebSocketProbeWithTcpKeepaliveAfterSixtySeconds() throws Exception {
        assumeTrue(ProcNetTcp.available(), "reads the kernel's socket table (/proc/net/tcp, Linux)");
        RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/parked", Map.of());
        assertThat(up.head().status()).isEqualTo(101);
        Integer proxyPortToBackend = PARKED_PEERS.poll(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(proxyPortToBackend).as("the backend got the connection").isNotNull();
        int backendPort = Integer.parseInt(parked.address().substring(parked.address().lastIndexOf(':') + 1));
        // the proxy's end of each leg; the kernel's default would be 7200 s, the proxy's is 60 s
        assertKeepaliveWithin60s("client leg", proxy.port(), up.client().localPort());
        assertKeepaliveWithin60s("backend leg", proxyPortToBackend, backendPort);
        up.close();
    }

    /** Polls briefly: right after bytes move, a retransmit timer may be pending instead. */
    private static void assertKeepaliveWithin60s(String leg, int localPort, int remotePort) throws InterruptedException {
        ProcNetTcp.Timer timer = null;
        for (int i = 0; i < 40; i++) {
            timer = ProcNetTcp.timer(localPort, remotePort).orElse(null);
            if (timer != null && timer.kind() == ProcNetTcp.KEEPALIVE_TIMER) {
                break;
            }
            Thread.sleep(50);
        }
        assertThat(timer).as(leg + " socket " + localPort + "->" + remotePort + " in /proc/net/tcp").isNotNull();
        assertThat(timer.kind()).as(leg + ": keepalive timer pending").isEqualTo(ProcNetTcp.KEEPALIVE_TIMER);
        assertThat(timer.seconds()).as(leg + ": first probe due within the 60 s idle time").isBetween(1.0, 60.5);
    }

    /** The {@code duration=NNNms} of an access log line. */
    static long durationMs(String accessLogLine) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" duration=(\\d+)ms").matcher(accessLogLine);
        assertThat(m.find()).as("duration in " + accessLogLine).isTrue();
        return Long.parseLong(m.group(1));
    }

    /** Reads frames, answering and skipping the proxy's own heartbeat pings (12-byte payloads). */
    private static RawWsClient.Frame nextNonProxyFrame(RawWsClient client) {
        while (true) {
            RawWsClient.Frame f = client.readFrame();
            if (f.opcode() == RawWsClient.PING && f.payload().length == 12 && new String(f.payload(), 0, 4).equals("SBHB")) {
                client.sendFrame(true, RawWsClient.PONG, f.payload());
                continue;
            }
            return f;
        }
    }

    // 4 MiB in 4 fragments; the first 64 KiB of each goes out in 1-byte writes, then a pause
    private static final int FRAGMENTS = 4;
    private static final int FRAGMENT = 1 << 20;
    private static final long CHOPPED_TOTAL = (long) FRAGMENTS * FRAGMENT;

    private static byte pattern(long i) {
        return (byte) (i * 31 + 7);
    }

    private static void sendChoppedMessage(java.net.Socket s, java.io.InputStream in, OutputStream out) throws Exception {
        s.setTcpNoDelay(true);
        long index = 0;
        for (int i = 0; i < FRAGMENTS; i++) {
            byte[] header = new byte[FrameHeaders.MAX_HEADER_LENGTH];
            int hl = FrameHeaders.encode(header, 0, i == FRAGMENTS - 1, 0, i == 0 ? Opcode.BINARY : Opcode.CONTINUATION,
                    false, 0, FRAGMENT);
            byte[] frame = new byte[hl + FRAGMENT];
            System.arraycopy(header, 0, frame, 0, hl);
            for (int j = 0; j < FRAGMENT; j++) {
                frame[hl + j] = pattern(index++);
            }
            int chopped = hl + 64 * 1024;
            for (int j = 0; j < chopped; j++) {
                out.write(frame[j]);
                out.flush();
                if (j % 16384 == 0) {
                    Thread.sleep(40); // mid-frame silence: a heartbeat falls due here and must wait
                }
            }
            out.write(frame, chopped, frame.length - chopped);
            out.flush();
            Thread.sleep(250); // silence between fragments: the pings go here
        }
        Thread.sleep(30_000); // keep the connection open; the test closes it
    }
}
