package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A refusal written to a detached client that stops reading: the write must not hold its thread
 * and socket for ever. Real sockets on 127.0.0.1; the proxy's send buffer is made as small as on a
 * WAN path (on loopback, with its 64 KiB segments, the kernel would take a whole 1 MiB refusal at
 * once, so no end-to-end test through the proxy can reach a blocked write).
 */
class ClientEndTest {
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        timers.shutdownNow();
    }

    @Test
    void aClientThatStopsReadingARefusalIsCutWhenTheLimitPasses() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = silentClient(server)) {
            SocketChannel proxySide = acceptWithSmallSendBuffer(server);
            long t0 = System.nanoTime();
            new ClientEnd.Detached(proxySide, new byte[0])
                    .answer(new ClientEnd.AnswerLimit(timers, Duration.ofMillis(300)), new byte[4 << 20]);
            assertThat(closedWithin(proxySide, Duration.ofSeconds(5))).as("cut").isTrue();
            assertThat((System.nanoTime() - t0) / 1_000_000).as("not before the limit").isGreaterThanOrEqualTo(300L);
        }
    }

    @Test
    void withoutALimitTheWriteWaitsForTheClient() throws Exception {
        try (ServerSocketChannel server = listen(); Socket client = silentClient(server)) {
            SocketChannel proxySide = acceptWithSmallSendBuffer(server);
            new ClientEnd.Detached(proxySide, new byte[0])
                    .answer(new ClientEnd.AnswerLimit(timers, Duration.ZERO), new byte[4 << 20]);
            assertThat(closedWithin(proxySide, Duration.ofMillis(1000))).as("still writing").isFalse();
            proxySide.close();
        }
    }

    private static ServerSocketChannel listen() throws IOException {
        return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** A client with a small receive window that it never empties. */
    private static Socket silentClient(ServerSocketChannel server) throws IOException {
        Socket client = new Socket();
        client.setReceiveBufferSize(4096);
        client.connect(server.getLocalAddress(), 2000);
        return client;
    }

    private static SocketChannel acceptWithSmallSendBuffer(ServerSocketChannel server) throws IOException {
        SocketChannel c = server.accept();
        c.setOption(StandardSocketOptions.SO_SNDBUF, 8192);
        return c;
    }

    private static boolean closedWithin(SocketChannel c, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!c.isOpen()) {
                return true;
            }
            Thread.sleep(20);
        }
        return !c.isOpen();
    }
}
