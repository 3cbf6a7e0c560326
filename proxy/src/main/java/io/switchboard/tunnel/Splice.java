package io.switchboard.tunnel;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.switchboard.route.SplicedPeers;

/**
 * A client connection the {@link Acceptor} does not handle itself, relayed byte for byte to
 * Helidon's loopback listener on the loop: the bytes already read, then both directions as they
 * come. The loopback socket's address is noted in {@link SplicedPeers} while it lasts, so
 * Helidon's requests, the access log and {@code X-Forwarded-For} name the client, not the loop.
 * Backpressure: a side whose bytes the other cannot take yet is not read until they are written.
 * When Helidon ends its side (it closes after a response, an error or at stop) the client is
 * closed once everything Helidon sent is written; a client that ends its side has that end passed
 * on and still gets Helidon's answer.
 *
 * <p>A client that reads nothing of what waits for it for {@code stallMillis} ({@code
 * timeouts.http-read}, the limit the proxy gives a backend's answer) is cut, both sockets closed:
 * Helidon's blocked write then fails, and the request's thread and backend connection are let go
 * instead of being held by a client that stopped reading.
 */
public final class Splice {
    /** Splices not yet closed: at shutdown, what Helidon answered may still be on its way to the client. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();
    private final ChannelLoop loop;
    private final Side client;
    private final Side helidon;
    private InetSocketAddress noted;
    private final ScheduledExecutorService timers;
    private final long stallMillis;
    private long clientProgress;          // loop thread: when the client last took bytes, or they began to wait
    private ScheduledFuture<?> stallCheck; // loop thread: pending while bytes wait for the client
    private boolean closed;
    private boolean upgraded; // loop thread: Helidon answered 101, a WebSocket now, whose own policies apply

    private Splice(ChannelLoop loop, SocketChannel clientChannel, SocketChannel helidonChannel,
                   ScheduledExecutorService timers, long stallMillis) {
        this.loop = loop;
        this.timers = timers;
        this.stallMillis = stallMillis;
        OPEN.incrementAndGet();
        client = new Side(clientChannel);
        helidon = new Side(helidonChannel);
        client.other = helidon;
        helidon.other = client;
    }

    /**
     * Starts relaying {@code client} (already registered with {@code loop}) to Helidon, after
     * {@code first}, the bytes read from it so far. Loop thread only.
     */
    static void start(ChannelLoop loop, SocketChannel client, InetSocketAddress helidonAddress, byte[] first,
                      ScheduledExecutorService timers, long stallMillis) {
        SocketChannel channel;
        try {
            channel = loop.openSocket(helidonAddress.getAddress() instanceof Inet4Address
                    ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6);
        } catch (IOException e) {
            loop.close(client); // out of files: the client is refused by a close
            return;
        }
        Splice splice = new Splice(loop, client, channel, timers, stallMillis);
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            splice.helidon.queue(ByteBuffer.wrap(first));
            boolean connected = channel.connect(helidonAddress);
            if (connected) {
                splice.note();
            }
            splice.client.key = loop.register(client, 0, splice.client);
            splice.helidon.key = loop.register(channel, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT,
                    splice.helidon);
        } catch (IOException | RuntimeException e) {
            splice.closeBoth();
        }
    }

    private static final byte[] SWITCHING = "HTTP/1.1 101".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Whether a read from Helidon starts with a 101 (Helidon writes a response head in one write,
     * and a client waits for the answer before it asks to upgrade, so the head starts a read).
     */
    private static boolean startsWith101(byte[] b, int n) {
        return n >= SWITCHING.length && java.util.Arrays.equals(b, 0, SWITCHING.length, SWITCHING, 0, SWITCHING.length);
    }

    /** Notes the client behind the connected loopback socket, before any byte goes to Helidon. */
    private void note() throws IOException {
        noted = (InetSocketAddress) helidon.channel.getLocalAddress();
        SplicedPeers.noted(noted, ((InetSocketAddress) client.channel.getRemoteAddress()).getAddress().getHostAddress());
    }

    /** Bytes began to wait for the client, or it took some: (re)starts the stall clock. Loop thread. */
    private void clientMoved() {
        clientProgress = System.nanoTime();
        if (stallCheck == null && stallMillis > 0 && !closed && !upgraded) {
            stallCheck = timers.schedule(() -> loop.execute(this::checkStall), stallMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void checkStall() {
        stallCheck = null;
        if (closed || upgraded || client.waiting.isEmpty()) {
            return;
        }
        long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - clientProgress);
        if (idle >= stallMillis) {
            closeBoth(); // the client read nothing for http-read
        } else {
            stallCheck = timers.schedule(() -> loop.execute(this::checkStall), stallMillis - idle, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Waits, up to {@code limit}, for every splice to finish: once Helidon has stopped, each writes
     * what Helidon sent and closes, and an exit before that would cut the end of an answer Helidon
     * already finished (the last megabyte of a download). Call after Helidon's server stopped.
     */
    public static void awaitFlushed(java.time.Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (OPEN.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private void closeBoth() {
        if (!closed) {
            OPEN.decrementAndGet();
        }
        closed = true;
        if (stallCheck != null) {
            stallCheck.cancel(false);
            stallCheck = null;
        }
        loop.close(client.channel);
        loop.close(helidon.channel);
        if (noted != null) {
            SplicedPeers.forgotten(noted);
            noted = null;
        }
    }

    /** One socket of the splice; {@link #waiting} holds what was read from the other and not yet written here. */
    private final class Side implements ChannelLoop.Endpoint {
        private final SocketChannel channel;
        private final ArrayDeque<ByteBuffer> waiting = new ArrayDeque<>();
        private Side other;
        private SelectionKey key;
        private boolean inputEnded;

        Side(SocketChannel channel) {
            this.channel = channel;
        }

        void queue(ByteBuffer bytes) {
            waiting.add(bytes);
        }

        @Override
        public void connectable() {
            try {
                if (!channel.finishConnect()) {
                    return;
                }
                note();
                key.interestOps(SelectionKey.OP_WRITE);
                writable();
            } catch (IOException e) {
                closeBoth(); // Helidon's listener is gone (the proxy is stopping)
            }
        }

        @Override
        public void read(byte[] b, int n) {
            if (this == helidon && !upgraded && startsWith101(b, n)) {
                upgraded = true; // its heartbeats and idle limit govern it, not the HTTP stall limit
            }
            try {
                ByteBuffer bytes = ByteBuffer.wrap(b, 0, n);
                if (other.waiting.isEmpty()) {
                    other.channel.write(bytes);
                }
                if (bytes.hasRemaining()) {
                    ByteBuffer copy = ByteBuffer.allocate(bytes.remaining()).put(bytes).flip();
                    if (other == client && client.waiting.isEmpty()) {
                        clientMoved(); // bytes begin to wait for the client
                    }
                    other.waiting.add(copy);
                    other.key.interestOpsOr(SelectionKey.OP_WRITE);
                    key.interestOpsAnd(~SelectionKey.OP_READ); // until the other side takes it
                }
            } catch (IOException e) {
                closeBoth();
            }
        }

        @Override
        public void writable() {
            try {
                while (!waiting.isEmpty()) {
                    ByteBuffer head = waiting.peek();
                    if (channel.write(head) > 0 && this == client) {
                        clientMoved(); // it reads, however slowly
                    }
                    if (head.hasRemaining()) {
                        return;
                    }
                    waiting.poll();
                }
                key.interestOpsAnd(~SelectionKey.OP_WRITE);
                if (other.inputEnded) {
                    passEnd();
                } else {
                    other.key.interestOpsOr(SelectionKey.OP_READ);
                    // the first flush to Helidon starts both ways; otherwise this side stays unread
                    // while its own bytes still wait for the other side (else they pile up in memory)
                    if ((key.interestOps() & SelectionKey.OP_READ) == 0 && !inputEnded && other.waiting.isEmpty()) {
                        key.interestOpsOr(SelectionKey.OP_READ);
                    }
                }
            } catch (IOException e) {
                closeBoth();
            }
        }

        @Override
        public void ended() {
            inputEnded = true;
            if (other.waiting.isEmpty()) {
                other.passEnd();
            }
        }

        /** The other side's input is over and everything it sent is written here. */
        private void passEnd() {
            if (other == helidon || inputEnded) {
                closeBoth(); // Helidon is done with the connection, or both are
                return;
            }
            try {
                channel.shutdownOutput(); // the client ended: Helidon still answers what it has
            } catch (IOException e) {
                closeBoth();
            }
        }
    }
}
