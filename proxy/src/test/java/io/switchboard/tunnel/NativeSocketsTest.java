package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event loop's Linux sockets ({@code loop-io: native}) against real loopback peers: the JDK's
 * blocking sockets on the other end. Skipped where {@link NativeSockets} cannot run (JDK 21, not
 * Linux); the conformance suite drives the same sockets through the proxy.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class NativeSocketsTest {
    private SelectorProvider provider;
    private Selector selector;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void provider() throws IOException {
        assumeTrue(NativeSockets.unsupportedBecause() == null, () -> "native sockets: " + NativeSockets.unsupportedBecause());
        provider = NativeSockets.provider();
        assertThat(provider).as("the native provider loads on a supported JVM").isNotNull();
        selector = keep(provider.openSelector());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private ServerSocketChannel listener() throws IOException {
        ServerSocketChannel server = keep(provider.openServerSocketChannel());
        server.setOption(StandardSocketOptions.TCP_NODELAY, true);
        server.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.configureBlocking(false);
        return server;
    }

    /** Waits (bounded) for {@code key} to be selected with {@code op}. */
    private void awaitReady(SelectionKey key, int op) throws IOException {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            boolean[] hit = {false};
            selector.select(k -> hit[0] |= k == key && (k.readyOps() & op) != 0, 200);
            if (hit[0]) {
                return;
            }
        }
        throw new AssertionError("not ready for " + op + " in 5 s: " + key.channel());
    }

    @Test
    void acceptsAndEchoesWithAJdkClientAndAcceptedSocketsInheritTheListenersOptions() throws Exception {
        ServerSocketChannel server = listener();
        SelectionKey accept = server.register(selector, SelectionKey.OP_ACCEPT);
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
            awaitReady(accept, SelectionKey.OP_ACCEPT);
            SocketChannel accepted = keep(server.accept());
            assertThat(accepted.getRemoteAddress()).isEqualTo(client.getLocalSocketAddress());
            // Acceptor sets nothing per accepted socket on this path, relying on Linux copying these
            assertThat(accepted.getOption(StandardSocketOptions.TCP_NODELAY)).isTrue();
            assertThat(accepted.getOption(StandardSocketOptions.SO_KEEPALIVE)).isTrue();
            accepted.configureBlocking(false);
            SelectionKey read = accepted.register(selector, SelectionKey.OP_READ);

            byte[] sent = new byte[300_000];
            Arrays.fill(sent, (byte) 'x');
            sent[sent.length - 1] = 'z';
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    client.getOutputStream().write(sent);
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            ByteBuffer in = ByteBuffer.allocate(sent.length + 1);
            while (true) {
                awaitReady(read, SelectionKey.OP_READ);
                int n = accepted.read(in);
                if (n < 0) {
                    break;
                }
            }
            writer.get(5, TimeUnit.SECONDS);
            assertThat(Arrays.copyOf(in.array(), in.position())).isEqualTo(sent);
            assertThat(accepted.read(ByteBuffer.allocate(1))).as("still at the end").isEqualTo(-1);
        }
        assertThat(server.accept()).as("nothing more waiting").isNull();
    }

    @Test
    void gatheringWriteOfHeapBuffersLargerThanOneCallKeepsOrderAcrossPartialWrites() throws Exception {
        try (ServerSocket peer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            SocketChannel channel = keep(provider.openSocketChannel(StandardProtocolFamily.INET));
            channel.configureBlocking(false);
            boolean connected = channel.connect(peer.getLocalSocketAddress());
            SelectionKey key = channel.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT);
            try (Socket far = peer.accept()) {
                if (!connected) {
                    awaitReady(key, SelectionKey.OP_CONNECT);
                    assertThat(channel.finishConnect()).isTrue();
                    key.interestOps(SelectionKey.OP_WRITE);
                }
                ByteBuffer[] parts = new ByteBuffer[5];
                int total = 0;
                for (int i = 0; i < parts.length; i++) {
                    byte[] b = new byte[40_000 + i];
                    Arrays.fill(b, (byte) ('a' + i));
                    parts[i] = ByteBuffer.wrap(b);
                    total += b.length;
                }
                byte[] expected = new byte[total];
                int at = 0;
                for (ByteBuffer p : parts) {
                    System.arraycopy(p.array(), 0, expected, at, p.remaining());
                    at += p.remaining();
                }
                CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> readFully(far, expected.length));
                long written = 0;
                while (written < total) {
                    awaitReady(key, SelectionKey.OP_WRITE);
                    written += channel.write(parts);
                }
                assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
            }
        }
    }

    private static byte[] readFully(Socket s, int n) {
        try {
            InputStream in = s.getInputStream();
            return in.readNBytes(n);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRefusedConnectFailsWithTheKernelsReason() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        SocketChannel channel = keep(provider.openSocketChannel(StandardProtocolFamily.INET));
        channel.configureBlocking(false);
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), closedPort);
        boolean refusedAtOnce;
        try {
            refusedAtOnce = !channel.connect(to);
        } catch (ConnectException e) {
            assertThat(e.getMessage()).contains("Connection refused");
            return;
        }
        assertThat(refusedAtOnce).isTrue();
        SelectionKey key = channel.register(selector, SelectionKey.OP_CONNECT);
        awaitReady(key, SelectionKey.OP_CONNECT);
        assertThatThrownBy(channel::finishConnect).isInstanceOf(ConnectException.class).hasMessageContaining("Connection refused");
    }

    @Test
    void aClosedSocketsStaleEventIsNotDeliveredToTheSocketThatReusesItsDescriptor() throws Exception {
        ServerSocketChannel server = listener();
        server.register(selector, SelectionKey.OP_ACCEPT);
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        try (Socket first = new Socket(InetAddress.getLoopbackAddress(), port);
             Socket second = new Socket(InetAddress.getLoopbackAddress(), port)) {
            SocketChannel a = acceptOne(server);
            a.configureBlocking(false);
            SelectionKey aKey = a.register(selector, SelectionKey.OP_READ, "a");
            first.getOutputStream().write(1); // a is readable
            awaitReady(aKey, SelectionKey.OP_READ);
            a.close(); // no select has run since: its key is cancelled, its descriptor number free
            SocketChannel b = keep(acceptOne(server));
            b.configureBlocking(false);
            SelectionKey bKey = b.register(selector, SelectionKey.OP_READ, "b");
            List<Object> seen = new ArrayList<>();
            selector.selectNow(k -> seen.add(k.attachment()));
            assertThat(seen).as("b has nothing to read; a is gone").doesNotContain("a", "b");
            assertThat(aKey.isValid()).isFalse();
            second.getOutputStream().write(2);
            awaitReady(bKey, SelectionKey.OP_READ);
            ByteBuffer one = ByteBuffer.allocate(4);
            assertThat(b.read(one)).isEqualTo(1);
            assertThat(one.get(0)).isEqualTo((byte) 2);
        }
    }

    private SocketChannel acceptOne(ServerSocketChannel server) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < end) {
            SocketChannel c = server.accept();
            if (c != null) {
                return c;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no connection to accept in 5 s");
    }

    @Test
    void aHungUpPeerWithNoInterestDoesNotWakeTheSelector() throws Exception {
        ServerSocketChannel server = listener();
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        Socket peer = new Socket(InetAddress.getLoopbackAddress(), port);
        SocketChannel c = keep(acceptOne(server));
        c.configureBlocking(false);
        SelectionKey key = c.register(selector, SelectionKey.OP_READ);
        peer.setSoLinger(true, 0);
        peer.close(); // a reset: epoll reports EPOLLHUP|EPOLLERR whatever the interest
        awaitReady(key, SelectionKey.OP_READ);
        key.interestOps(0); // parked, as the loop parks a client while its backend is dialled
        // level-triggered epoll would report the hang-up at once and forever if the socket stayed
        // in the set: the select has to sleep its whole timeout
        long start = System.nanoTime();
        assertThat(selector.select(300)).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        key.interestOps(SelectionKey.OP_READ);
        awaitReady(key, SelectionKey.OP_READ);
        assertThatThrownBy(() -> c.read(ByteBuffer.allocate(8))).isInstanceOf(IOException.class).hasMessageContaining("reset");
    }

    @Test
    void wakeupFromAnotherThreadEndsABlockingSelect() throws Exception {
        CompletableFuture<Integer> selecting = CompletableFuture.supplyAsync(() -> {
            try {
                return selector.select();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(100);
        assertThat(selecting).isNotDone();
        selector.wakeup();
        assertThat(selecting.get(5, TimeUnit.SECONDS)).isZero();
        selector.wakeup();
        assertThat(selector.select(5_000)).as("a wake-up before the select ends it at once").isZero();
    }

    @Test
    void closedChannelsRefuseIoAndJdkChannelsDoNotRegister() throws Exception {
        SocketChannel channel = provider.openSocketChannel(StandardProtocolFamily.INET);
        channel.close();
        assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
        try (SocketChannel jdk = SocketChannel.open()) {
            jdk.configureBlocking(false);
            assertThatThrownBy(() -> jdk.register(selector, SelectionKey.OP_READ)).isInstanceOf(IllegalSelectorException.class);
        }
        SocketChannel open = keep(provider.openSocketChannel(StandardProtocolFamily.INET));
        assertThatThrownBy(() -> open.configureBlocking(true)).isInstanceOf(IOException.class)
                .hasMessageContaining("non-blocking only");
    }
}
