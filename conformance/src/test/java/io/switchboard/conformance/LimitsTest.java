package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.switchboard.demo.EchoBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Timeouts and limits through the real proxy: the idle limit (heartbeats do not count as
 * activity), the maximum lifetime with jitter, the client handshake deadline under a slowloris
 * crowd, and oversize frames and messages.
 */
class LimitsTest {
    private static PythonWsBackend python;
    private static EchoBackend echo;
    private static ProxyProcess proxy;

    @BeforeAll
    static void start() {
        python = PythonWsBackend.start("py");
        echo = EchoBackend.start("echo");
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  py: {backends: [%s]}
                  echo: {backends: [%s]}
                timeouts:
                  handshake: 1s
                websocket:
                  heartbeat: off
                routes:
                  - path: /idle
                    pool: py
                    websocket: {idle: 2s, heartbeat: {downstream: {interval: 100ms, timeout: 2s}}}
                  - path: /lifetime
                    pool: echo
                    websocket: {max-lifetime: 1s, lifetime-jitter: 50%%}
                  - path: /limited
                    pool: py
                    websocket: {max-frame-size: 1KiB, max-message-size: 4KiB}
                  - path: /
                    pool: echo
                """.formatted(python.address(), echo.address()));
    }

    @AfterAll
    static void stop() {
        proxy.close();
        python.close();
        echo.close();
    }

    @Test
    void idleConnectionsAreClosedBothWaysAndHeartbeatsDoNotCountAsActivity() {
        RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/idle", Map.of());
        RawWsClient client = up.client();
        int pongs = 0;
        RawWsClient.Frame f;
        while ((f = client.readFrame()).opcode() == RawWsClient.PING) {
            client.sendFrame(true, RawWsClient.PONG, f.payload()); // alive, but sending no data
            pongs++;
        }
        // a 2 s window: a proxy stalled for most of a second at start (CI, cold JIT) still sends several pings
        assertThat(pongs).as("heartbeats kept flowing while idle").isGreaterThanOrEqualTo(2);
        assertThat(f.opcode()).isEqualTo(RawWsClient.CLOSE);
        assertThat(f.closeCode()).isEqualTo(1001);
        assertThat(f.closeReason()).isEqualTo("idle timeout");
        client.sendClose(1001, "");
        assertThat(python.awaitClosed("/idle", Duration.ofSeconds(5)).code()).isEqualTo(1001);
        String log = proxy.awaitLine(l -> l.contains(" ws ") && l.contains("path=/idle"), Duration.ofSeconds(5));
        assertThat(log).contains("closed-by=idle");
        assertThat(LivenessTest.durationMs(log)).isBetween(2000L, 3500L);
        up.close();
    }

    @Test
    void lifetimesEndWithJitterSoReconnectsSpreadOut() throws Exception {
        int n = 100;
        List<RawWsClient> clients = new ArrayList<>();
        List<Long> openedAt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/lifetime", Map.of());
            assertThat(up.head().status()).isEqualTo(101);
            clients.add(up.client());
            openedAt.add(System.nanoTime());
        }
        ConcurrentLinkedQueue<Long> lifetimes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            RawWsClient c = clients.get(i);
            long opened = openedAt.get(i);
            Thread.ofVirtual().start(() -> {
                try {
                    RawWsClient.Frame f = c.readFrame();
                    lifetimes.add((System.nanoTime() - opened) / 1_000_000);
                    if (f.opcode() != RawWsClient.CLOSE || f.closeCode() != 1001) {
                        problems.add("got opcode " + f.opcode() + " code " + f.closeCode());
                    }
                    c.sendClose(1001, "");
                } catch (RuntimeException e) {
                    problems.add(e.toString());
                } finally {
                    done.countDown();
                }
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(problems).isEmpty();
        long min = lifetimes.stream().mapToLong(Long::longValue).min().orElseThrow();
        long max = lifetimes.stream().mapToLong(Long::longValue).max().orElseThrow();
        // 1 s ± 50%: every close inside [0.5 s, 1.5 s] (+ scheduling slack), and spread over it
        assertThat(min).isGreaterThanOrEqualTo(400L);
        assertThat(max).isLessThanOrEqualTo(1800L);
        assertThat(max - min).as("closes spread over the jitter window").isGreaterThan(500L);
        long firstTenth = lifetimes.stream().filter(t -> t < min + (max - min) / 10).count();
        assertThat(firstTenth).as("no burst of closes in the first tenth of the window").isLessThan(25L);
        clients.forEach(RawWsClient::close);
    }

    @Test
    void slowClientsAreCutAtTheHandshakeDeadlineWhileOthersGetThrough() throws Exception {
        // 200 open TCP and never send a byte at all
        List<Socket> silent = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
            silent.add(s);
        }
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Socket s = new Socket();
            s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5000);
            // half stall inside the request line, half inside the headers (slowloris)
            String partial = i % 2 == 0 ? "GET /lifet" : "GET /lifetime HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n";
            s.getOutputStream().write(partial.getBytes(StandardCharsets.ISO_8859_1));
            slow.add(s);
        }
        long t0 = System.nanoTime();
        RawWsClient.Upgrade normal = RawWsClient.upgrade(proxy.port(), "/echo-normal", Map.of());
        assertThat(normal.head().status()).as("a normal client gets through the crowd").isEqualTo(101);
        normal.client().sendText("hi");
        assertThat(normal.client().readMessage().text()).isEqualTo("hi");
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1000L);
        normal.client().sendClose(1000, "");
        slow.addAll(silent);
        ConcurrentLinkedQueue<Integer> stillOpen = new ConcurrentLinkedQueue<>();
        CountDownLatch checked = new CountDownLatch(slow.size());
        for (int i = 0; i < slow.size(); i++) {
            Socket s = slow.get(i);
            int index = i;
            Thread.ofVirtual().start(() -> {
                try {
                    s.setSoTimeout(4000); // handshake 1 s + reaper period + slack
                    InputStream in = s.getInputStream();
                    while (in.read() >= 0) {
                        // drain whatever the proxy says before closing (e.g. an error response)
                    }
                } catch (java.net.SocketTimeoutException e) {
                    stillOpen.add(index);
                } catch (java.io.IOException e) {
                    // reset: closed
                } finally {
                    checked.countDown();
                }
            });
        }
        assertThat(checked.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(stillOpen).as("connections the proxy did not close").isEmpty();
        for (Socket s : slow) {
            s.close();
        }
        normal.close();
    }

    @Test
    void oversizeFramesAreRefusedWith1009BeforeTheirPayload() {
        RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/limited?t=frame", Map.of());
        up.client().sendFrame(true, RawWsClient.BINARY, new byte[1024]);
        assertThat(up.client().readMessage().payload()).hasSize(1024); // at the limit: fine
        up.client().sendFrame(true, RawWsClient.BINARY, new byte[2048]);
        RawWsClient.Frame close = up.client().readFrame();
        assertThat(close.opcode()).isEqualTo(RawWsClient.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1009);
        up.client().sendClose(1000, "");
        assertThat(python.awaitClosed("/limited?t=frame", Duration.ofSeconds(5)).code()).isEqualTo(1001);
        up.close();
    }

    @Test
    void oversizeMessagesAreRefusedWith1009() {
        RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/limited?t=message", Map.of());
        up.client().sendFrame(false, RawWsClient.TEXT, "a".repeat(1000).getBytes());
        up.client().sendFrame(false, RawWsClient.CONT, "b".repeat(1000).getBytes());
        up.client().sendFrame(false, RawWsClient.CONT, "c".repeat(1000).getBytes());
        up.client().sendFrame(false, RawWsClient.CONT, "d".repeat(1000).getBytes());
        up.client().sendFrame(true, RawWsClient.CONT, "e".repeat(1000).getBytes());
        RawWsClient.Frame close = up.client().readFrame();
        assertThat(close.opcode()).isEqualTo(RawWsClient.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1009);
        assertThat(python.awaitClosed("/limited?t=message", Duration.ofSeconds(5)).code()).isEqualTo(1001);
        up.close();
    }
}
