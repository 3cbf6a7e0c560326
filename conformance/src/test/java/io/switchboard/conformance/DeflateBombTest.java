package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Compressed messages toward a backend that is not reading, in terminate mode with
 * permessage-deflate from the client (RFC 7692) and no message size limit (the default). A
 * megabyte of zeros deflates to about a kilobyte, so one 64 KiB read of them inflates to some
 * 64 MiB: the proxy must stop inflating while the backend's socket is full, not hold what it
 * inflated. Its heap is capped at 64 MiB here, so holding one read's output is fatal; and once the
 * backend reads, every byte must arrive.
 */
@Timeout(120)
class DeflateBombTest {
    private static final int MESSAGE = 1 << 20;
    private static final int MESSAGES = 384; // 384 MiB inflated from well under a megabyte on the wire

    @Test
    void inflatingStopsWhileTheBackendIsNotReadingAndLosesNothing() throws Exception {
        CountDownLatch reading = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        AtomicLong nonZero = new AtomicLong();
        CountDownLatch all = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
        try (ScriptedBackend backend = ScriptedBackend.start((socket, in, out) -> {
                if (connections.getAndIncrement() > 0) {
                    return; // the second client's, which only shows the proxy still serves
                }
                reading.await();
                readMessages(in, received, nonZero, all);
            });
             ProxyProcess proxy = ProxyProcess.runWithJvmOptions(List.of("-Xmx64m", "-XX:+ExitOnOutOfMemoryError"),
                     toward(backend, "websocket: {heartbeat: off}\n"))) {
            RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/bomb",
                    Map.of("Sec-WebSocket-Extensions", "permessage-deflate"));
            assertThat(up.head().status()).isEqualTo(101);
            assertThat(up.head().headers().get("sec-websocket-extensions")).startsWith("permessage-deflate");
            byte[] burst = burst(MESSAGES);
            Thread writer = Thread.ofVirtual().start(() -> up.client().write(burst));
            writer.join(10_000);
            Thread.sleep(2_000); // the proxy reads and inflates all it will while the backend sleeps
            assertThat(proxy.isAlive()).as("proxy alive with the backend not reading: " + proxy.stderrText()).isTrue();

            try (RawWsClient.Upgrade other = RawWsClient.upgrade(proxy.port(), "/other", Map.of())) {
                assertThat(other.head().status()).as("other sockets are served meanwhile").isEqualTo(101);
            }

            reading.countDown();
            assertThat(all.await(60, TimeUnit.SECONDS)).as("backend got every message; bytes so far " + received.get()).isTrue();
            assertThat(received.get()).isEqualTo((long) MESSAGE * MESSAGES);
            assertThat(nonZero.get()).isZero();
            assertThat(proxy.isAlive()).isTrue();
            up.close();
        }
    }

    @Test
    void aBackendReapedWhileTheClientWaitsLetsTheClientsCloseReplyEndTheTunnel() throws Exception {
        try (ScriptedBackend backend = ScriptedBackend.start((socket, in, out) -> Thread.sleep(30_000)); // never reads
             ProxyProcess proxy = ProxyProcess.run(toward(backend,
                     "websocket: {heartbeat: {downstream: off, upstream: {interval: 500ms, timeout: 500ms}}}\ntimeouts: {close: 10s}\n"))) {
            RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/reaped",
                    Map.of("Sec-WebSocket-Extensions", "permessage-deflate"));
            assertThat(up.head().status()).isEqualTo(101);
            byte[] burst = burst(64);
            up.client().write(burst); // the proxy stops reading this client while the backend's socket is full
            up.client().readTimeout(java.time.Duration.ofSeconds(8));
            RawWsClient.Frame close = up.client().readFrame();
            assertThat(close.opcode()).isEqualTo(RawWsClient.CLOSE);
            assertThat(close.closeCode()).as("the backend, which reads nothing, is reaped").isEqualTo(1014);
            long replied = System.nanoTime();
            up.client().sendClose(1014, "");
            assertThat(up.client().awaitEof(java.time.Duration.ofSeconds(8))).isTrue();
            long ms = (System.nanoTime() - replied) / 1_000_000;
            // the reply is read at once: before, the client stayed unread behind the closed backend's
            // backlog, and only timeouts.close (10 s here) ended the tunnel
            assertThat(ms).as("ms from the client's Close reply to EOF").isLessThan(3_000);
        }
    }

    @Test
    void inflatingOneClientsBurstDoesNotHoldUpTheOtherSocketsOnItsLoop() throws Exception {
        io.switchboard.demo.EchoBackend echo = io.switchboard.demo.EchoBackend.start("e");
        // a backend that reads and drops everything, fast: the writer toward it never backs up
        ScriptedBackend.Script sink = (socket, in, out) -> in.transferTo(java.io.OutputStream.nullOutputStream());
        try (ScriptedBackend drain = ScriptedBackend.start(sink);
             // one core: one event loop, which both WebSockets share
             ProxyProcess proxy = ProxyProcess.runWithJvmOptions(List.of("-XX:ActiveProcessorCount=1"), """
                     listen: 127.0.0.1:0
                     pools:
                       sink: {backends: [%s]}
                       echo: {backends: [%s]}
                     routes:
                       - {path: /bomb, pool: sink, mode: terminate, deflate: {client: true}}
                       - {path: /echo, pool: echo}
                     websocket: {heartbeat: off}
                     """.formatted(drain.address(), echo.address()));
             RawWsClient.Upgrade bomb = RawWsClient.upgrade(proxy.port(), "/bomb", Map.of("Sec-WebSocket-Extensions", "permessage-deflate"));
             RawWsClient.Upgrade chat = RawWsClient.upgrade(proxy.port(), "/echo", Map.of())) {
            assertThat(bomb.head().status()).isEqualTo(101);
            assertThat(chat.head().status()).isEqualTo(101);
            byte[] burst = burst(64);
            Thread flood = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < 64; i++) { // 4 GiB inflated, from 4 MB on the wire
                        bomb.client().write(burst);
                    }
                } catch (RuntimeException e) {
                    // the proxy closed it at the end of the test
                }
            });
            Thread.sleep(300);
            long worst = 0;
            for (int i = 0; i < 30; i++) {
                long t = System.nanoTime();
                chat.client().sendText("ping " + i);
                assertThat(chat.client().readMessage().text()).isEqualTo("ping " + i);
                worst = Math.max(worst, System.nanoTime() - t);
                Thread.sleep(20);
            }
            // each 64 KiB read of the burst inflates to 64 MiB: done in one go it held the loop
            // for a good part of a second; in 1 MiB turns the echo waits a few milliseconds
            assertThat(worst / 1_000_000).as("worst echo round trip, ms, while the burst inflates").isLessThan(150);
            bomb.close();
            flood.join(10_000);
        } finally {
            echo.close();
        }
    }

    @Test
    void aMessageStillInflatingTowardASlowBackendIsNotIdle() throws Exception {
        int size = 6 << 20; // 6 MiB of zeros: 6 KB on the wire, 6 s toward a backend reading 1 MiB/s
        AtomicLong received = new AtomicLong();
        ScriptedBackend.Script slowReader = (socket, in, out) -> {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) >= 0) {
                received.addAndGet(n);
                Thread.sleep(60);
            }
        };
        try (ScriptedBackend backend = ScriptedBackend.start(slowReader);
             ProxyProcess proxy = ProxyProcess.run(toward(backend, "websocket: {heartbeat: off, idle: 2s}\n"));
             RawWsClient.Upgrade up = RawWsClient.upgrade(proxy.port(), "/slow",
                     Map.of("Sec-WebSocket-Extensions", "permessage-deflate"))) {
            assertThat(up.head().status()).isEqualTo(101);
            byte[] frame = RawWsClient.frame(true, 0x2, PmdBytes.deflate(new byte[size]), true);
            frame[0] |= 0x40;
            up.client().write(frame);
            long until = System.nanoTime() + java.time.Duration.ofSeconds(20).toNanos();
            while (received.get() < size && System.nanoTime() < until && proxy.lines().stream().noneMatch(l -> l.contains(" ws "))) {
                Thread.sleep(100);
            }
            assertThat(proxy.lines()).as("the tunnel was not closed as idle while its message still moved")
                    .noneMatch(l -> l.contains("closed-by=idle"));
            assertThat(received.get()).as("bytes the backend got (the message framed)").isGreaterThanOrEqualTo(size);
        }
    }

    /** A config with one route in terminate mode, deflate toward the client, to {@code backend}; then {@code extra} lines. */
    private static String toward(ScriptedBackend backend, String extra) {
        return "listen: 127.0.0.1:0\npools:\n  p: {backends: [" + backend.address() + "]}\nroutes:\n"
                + "  - {path: /, pool: p, mode: terminate, deflate: {client: true}}\n" + extra;
    }

    /** {@code messages} compressed binary messages of {@link #MESSAGE} zeros each, masked as a client sends them. */
    private static byte[] burst(int messages) {
        byte[] frame = RawWsClient.frame(true, 0x2, PmdBytes.deflate(new byte[MESSAGE]), true);
        frame[0] |= 0x40; // RSV1: this message is compressed
        byte[] burst = new byte[frame.length * messages];
        for (int i = 0; i < messages; i++) {
            System.arraycopy(frame, 0, burst, i * frame.length, frame.length);
        }
        return burst;
    }

    /** Reads plain (uncompressed, masked) frames, counting payload bytes until every message came. */
    private static void readMessages(InputStream raw, AtomicLong received, AtomicLong nonZero, CountDownLatch all)
            throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
        byte[] buf = new byte[1 << 16];
        long messages = 0;
        while (messages < MESSAGES) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] mask = new byte[4];
            if ((b1 & 0x80) != 0) {
                in.readFully(mask);
            }
            if ((b0 & 0x40) != 0) {
                throw new IOException("the backend agreed no compression, yet got RSV1");
            }
            long left = len;
            long at = 0;
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("EOF inside a frame");
                }
                for (int i = 0; i < n; i++) {
                    if ((buf[i] ^ mask[(int) ((at + i) & 3)]) != 0) {
                        nonZero.incrementAndGet();
                    }
                }
                at += n;
                left -= n;
                received.addAndGet(n);
            }
            if ((b0 & 0x80) != 0) {
                messages++;
            }
        }
        all.countDown();
    }
}
