package io.switchboard.tunnel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.switchboard.config.Limits;
import io.switchboard.config.LoopIo;
import io.switchboard.route.RequestInfo;

/**
 * The main listener of a plain-TCP proxy: accepts on an event loop and reads each connection's
 * request head there. A WebSocket upgrade ({@link RequestHead}) is validated, routed and dialled
 * on that same loop, so a handshake costs no thread hand-off at all; anything else (plain HTTP,
 * SSE, a malformed or oversize head, an upgrade to a TLS backend) is spliced, bytes unchanged, to
 * Helidon's listener on a loopback port ({@link Splice}), and Helidon answers it as if it had
 * accepted it. Why: with Helidon accepting, every
 * handshake paid its acceptor thread, a virtual thread and the hand-off of the socket to the loop,
 * about a fifth of the proxy's CPU per handshake (README, "Architecture").
 *
 * <p>A connection must send its whole head within {@code timeouts.handshake} (counted from the
 * accept), or it is closed, as Helidon closes a silent or slow one. A head larger than
 * {@code limits.max-header-size} goes to Helidon, which refuses it as before.
 */
public final class Acceptor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Acceptor.class.getName());
    /** At most this many accepts per readiness event, so other sockets on the loop get their turn. */
    private static final int ACCEPTS_PER_EVENT = 64;
    /**
     * How long the listener rests after a failed accept (out of file descriptors): the pending
     * connection stays ready, so accepting again at once would spin the loop on the same error.
     */
    private static final long ACCEPT_BACKOFF_MILLIS = 100;

    private final ServerSocketChannel server;
    private final TunnelUpgrader upgrader;
    private final ScheduledExecutorService timers;
    private final long handshakeMillis;
    private final long stallMillis;
    private final int maxHead;
    private final int maxLine;
    private final InetSocketAddress helidon;
    private final ChannelLoop loop;
    private SelectionKey key; // loop thread only

    private Acceptor(ChannelLoop loop, ServerSocketChannel server, TunnelUpgrader upgrader, ScheduledExecutorService timers,
                     io.switchboard.config.Timeouts timeouts, Limits limits, InetSocketAddress helidon) {
        this.server = server;
        this.upgrader = upgrader;
        this.timers = timers;
        this.handshakeMillis = timeouts.handshake().toMillis();
        this.stallMillis = timeouts.httpRead().toMillis();
        this.maxHead = limits.maxHeaderSize();
        this.maxLine = limits.maxRequestLine();
        this.helidon = helidon;
        this.loop = loop;
    }

    /**
     * Binds {@code address} and starts accepting.
     *
     * @param timeouts  {@code handshake}: the whole head must arrive within this (zero: no limit);
     *                  {@code http-read}: a spliced client that reads nothing for this long is cut
     * @param limits    the largest head and request line read here; larger ones are Helidon's to refuse
     * @param helidon   Helidon's loopback listener
     * @param io        the sockets the loops use ({@code loop-io}; native falls back to NIO where it cannot run)
     * @throws IOException when the address cannot be bound
     */
    @SuppressWarnings("unchecked")
    public static Acceptor open(InetSocketAddress address, TunnelUpgrader upgrader, ScheduledExecutorService timers,
                                io.switchboard.config.Timeouts timeouts, Limits limits, InetSocketAddress helidon,
                                LoopIo io) throws IOException {
        ChannelLoop loop = ChannelLoop.next(io);
        ServerSocketChannel server = loop.openListener();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            for (Map.Entry<SocketOption<?>, Object> e : TcpKeepAlive.onListener().entrySet()) {
                server.setOption((SocketOption<Object>) e.getKey(), e.getValue());
            }
            if (loop.isNative()) {
                // Linux copies both to every accepted socket, so the accept itself sets nothing
                // (the JDK's listener refuses TCP_NODELAY: on NIO each accepted socket is set)
                server.setOption(StandardSocketOptions.TCP_NODELAY, true);
                server.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            }
            server.bind(address, 1024);
            server.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        Acceptor acceptor = new Acceptor(loop, server, upgrader, timers, timeouts, limits, helidon);
        acceptor.loop.execute(acceptor::register);
        return acceptor;
    }

    /** Whether the listener and its connections are on the native sockets ({@code loop-io: native}). */
    public boolean isNative() {
        return loop.isNative();
    }

    /** The bound port. */
    public int port() {
        try {
            return ((InetSocketAddress) server.getLocalAddress()).getPort();
        } catch (IOException e) {
            return -1; // closed
        }
    }

    /** Stops accepting (connections already taken go on). */
    @Override
    public void close() {
        UpstreamDialer.closeQuietly(server);
        loop.wakeup(); // the loop releases the listening socket in its next select
    }

    private void register() {
        try {
            key = loop.register(server, SelectionKey.OP_ACCEPT, new ChannelLoop.Quiet() {
                @Override
                public void acceptable() {
                    acceptSome();
                }
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "the listener closed before it started: " + e);
        }
    }

    private void acceptSome() {
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                rest(e);
                return;
            }
            if (channel == null) {
                return;
            }
            try {
                channel.configureBlocking(false);
                if (!loop.isNative()) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
                    TcpKeepAlive.applyAccepted(channel);
                }
            } catch (IOException e) {
                UpstreamDialer.closeQuietly(channel);
                continue;
            }
            ChannelLoop to = loop.sibling();
            RequestReader reader = new RequestReader(channel, to);
            if (to == loop) {
                reader.start();
            } else {
                to.execute(reader::start);
            }
        }
    }

    /** Out of files (or the listener closed): stop accepting for a moment instead of spinning on the error. */
    private void rest(IOException e) {
        if (!server.isOpen()) {
            return;
        }
        LOG.log(Level.WARNING, "accept failed, pausing " + ACCEPT_BACKOFF_MILLIS + " ms: " + e);
        key.interestOps(0);
        timers.schedule(() -> loop.execute(() -> {
            if (key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        }), ACCEPT_BACKOFF_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** One accepted connection until its head is read: then an upgrade on the loop, or a splice to Helidon. */
    private final class RequestReader implements ChannelLoop.Endpoint {
        private final SocketChannel channel;
        private final ChannelLoop on;
        private ScheduledFuture<?> deadline;
        private SelectionKey key;
        private HeadBytes gathered; // a head that came in more than one read

        RequestReader(SocketChannel channel, ChannelLoop on) {
            this.channel = channel;
            this.on = on;
        }

        void start() {
            try {
                key = on.register(channel, SelectionKey.OP_READ, this);
            } catch (IOException e) {
                UpstreamDialer.closeQuietly(channel);
                return;
            }
            if (handshakeMillis > 0) {
                deadline = timers.schedule(() -> on.execute(this::expire), handshakeMillis, TimeUnit.MILLISECONDS);
            }
        }

        @Override
        public void read(byte[] b, int n) {
            if (gathered == null) {
                if (!RequestHead.mayBeUpgrade(b, n)) {
                    handOver(b, n); // not a GET: Helidon's from the first byte
                    return;
                }
                int end = ResponseHead.indexOfBlankLine(b, 0, n);
                if (end > 0) {
                    headRead(b, end, n); // the usual case, the whole head in one read: parsed where it lies
                    return;
                }
                gathered = new HeadBytes();
            }
            int end = gathered.append(b, n, Integer.MAX_VALUE);
            if (end > 0) {
                headRead(gathered.bytes(), end, gathered.length());
            } else if (gathered.length() > maxHead) {
                handOver(gathered.bytes(), gathered.length());
            }
        }

        /** The head is {@code b[0, end)}, and {@code b[end, n)} came after it. */
        private void headRead(byte[] b, int end, int n) {
            if (end > maxHead) {
                handOver(b, n); // over limits.max-header-size: Helidon applies the limit and answers 431 or 400
                return;
            }
            stopTimer();
            ChannelLoop.park(key); // the upgrade's tunnel, or the splice, reads it next
            RequestHead parsed = RequestHead.parse(b, end, maxLine);
            if (parsed != null) {
                String ip;
                try {
                    ip = ((InetSocketAddress) channel.getRemoteAddress()).getAddress().getHostAddress();
                } catch (IOException e) {
                    on.close(channel); // closed meanwhile (a reset): nobody to answer
                    return;
                }
                RequestInfo request = new RequestInfo(ip, parsed.host(), parsed.path(), parsed.query(), parsed.headers());
                ClientEnd.Accepted accepted = new ClientEnd.Accepted(channel, Arrays.copyOfRange(b, end, n), on);
                try {
                    if (upgrader.upgradeOnLoop(accepted, request, parsed)) {
                        return;
                    }
                } catch (RuntimeException e) {
                    // a bug must not leave the client hanging: it loses its connection, the loop goes on
                    LOG.log(Level.WARNING, "upgrade of " + parsed.path() + " failed: " + e, e);
                    on.close(channel);
                    return;
                }
            }
            handOver(b, n);
        }

        private void handOver(byte[] b, int n) {
            stopTimer();
            Splice.start(on, channel, helidon, Arrays.copyOf(b, n), timers, stallMillis);
        }

        @Override
        public void ended() {
            stopTimer();
            on.close(channel);
        }

        @Override
        public void writable() {
        }

        private void expire() {
            if (deadline != null) {
                deadline = null;
                on.close(channel); // as Helidon closes a silent or slow client: no answer
            }
        }

        private void stopTimer() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
        }
    }
}
