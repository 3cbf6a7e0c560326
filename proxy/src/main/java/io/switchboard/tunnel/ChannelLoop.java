package io.switchboard.tunnel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.switchboard.config.LoopIo;

/**
 * An event loop for plain-TCP WebSockets: one platform thread and one {@link Selector} per core
 * serve the sockets of many tunnels, reading each ready socket into the loop's one read buffer and
 * handing the bytes to that tunnel's relay on the loop thread. On a plain-TCP listener the
 * {@link Acceptor} accepts here and reads each request head here; an upgrade that Helidon parsed
 * (a TLS listener, or a keep-alive connection spliced to Helidon) comes here once both legs are
 * plain TCP. The dial to the backend runs here ({@link LoopDialer}) and the established tunnel's
 * two sockets stay, so an idle tunnel holds no thread and no read buffer of its own, and a busy
 * one costs no thread wake-up per read (see {@link TunnelConnection}). Writes never block the loop: what a socket cannot take at once waits
 * in its {@link ChannelWriter}, and the tunnel stops reading the other side until it drains.
 */
final class ChannelLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ChannelLoop.class.getName());
    /** Largest single read: one buffer per loop, shared by every socket it serves. */
    static final int READ_BUFFER = 64 * 1024;
    /** The loops on Java's NIO: for sockets Helidon accepted, and for {@code loop-io: nio}. */
    private static final Group NIO = new Group(SelectorProvider.provider(), "switchboard-loop-");
    /** The loops on Linux system calls ({@code loop-io: native}); null until asked for, or if unavailable. */
    private static Group nativeGroup;

    /**
     * The loops of one socket kind, one per core, each started on first use. A channel registers
     * only with a selector of the provider that made it, so a socket stays within its group.
     */
    private static final class Group {
        final SelectorProvider provider;
        final String threadName;
        final ChannelLoop[] loops = new ChannelLoop[Math.max(1, Runtime.getRuntime().availableProcessors())];
        final AtomicInteger next = new AtomicInteger();

        Group(SelectorProvider provider, String threadName) {
            this.provider = provider;
            this.threadName = threadName;
        }

        ChannelLoop next() {
            int i = Math.floorMod(next.getAndIncrement(), loops.length);
            synchronized (loops) {
                if (loops[i] == null) {
                    loops[i] = new ChannelLoop(this, i);
                }
                return loops[i];
            }
        }
    }

    /** What the loop calls when one socket of a tunnel is ready. Called on the loop thread only. */
    interface Endpoint {
        /** {@code n} bytes were read into {@code b}, which is the loop's: valid until this returns. */
        void read(byte[] b, int n);

        /** The peer closed its side, or the read failed. */
        void ended();

        /** The socket can take the bytes that were waiting. */
        void writable();

        /** A connect started without blocking has finished, or failed ({@code finishConnect} says which). */
        default void connectable() {
        }

        /** A listening socket has connections to accept. */
        default void acceptable() {
        }
    }

    /**
     * The attachment of a socket whose next owner is still being found (a client while its backend
     * is dialled): its read interest is left on, because dropping it and asking again costs two
     * {@code epoll_ctl} calls per handshake, and a peer that speaks early (it should not, before
     * the 101) only turns that interest off.
     */
    private static final Endpoint PARKED = new Quiet() {
    };

    /** An endpoint that neither reads nor writes: a listening socket, or a parked one. */
    abstract static class Quiet implements Endpoint {
        @Override
        public void read(byte[] b, int n) {
        }

        @Override
        public void ended() {
        }

        @Override
        public void writable() {
        }
    }

    private final Group group;
    private final Selector selector;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final byte[] buffer = new byte[READ_BUFFER];
    private final ByteBuffer readBuffer = ByteBuffer.wrap(buffer);
    /** Lent to the two writers of the tunnel whose read is being processed (see {@link ChannelWriter#beginBatch}). */
    private final ByteBuffer[] batches = {ByteBuffer.allocate(READ_BUFFER + 1024), ByteBuffer.allocate(4096)};
    private final Thread thread;
    private final java.util.function.Consumer<SelectionKey> onReady = this::ready; // one instance, not one per pass
    /** Sockets this loop closes once the selector has let go of them (see {@link #close}); loop thread only. */
    private ArrayList<SocketChannel> closing = new ArrayList<>();
    private ArrayList<SocketChannel> closingNext = new ArrayList<>();

    private ChannelLoop(Group group, int index) {
        this.group = group;
        try {
            selector = group.provider.openSelector();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a selector", e);
        }
        thread = Thread.ofPlatform().daemon().name(group.threadName + index).start(this);
    }

    /** The next NIO loop, round robin (for sockets that Helidon accepted, which are NIO's). */
    static ChannelLoop next() {
        return NIO.next();
    }

    /**
     * The next loop for a listener of the proxy's own: a native one for {@code loop-io: native}
     * where {@link NativeSockets} can run, an NIO one otherwise.
     */
    static ChannelLoop next(LoopIo io) {
        Group group = io == LoopIo.NATIVE ? nativeGroup() : null;
        return (group != null ? group : NIO).next();
    }

    /** The native loops, made on first use; null where {@link NativeSockets} cannot run. */
    private static synchronized Group nativeGroup() {
        SelectorProvider provider = nativeGroup == null ? NativeSockets.provider() : null;
        if (provider != null) {
            nativeGroup = new Group(provider, "switchboard-native-loop-");
        }
        return nativeGroup;
    }

    /** The next loop of this one's kind: the one a socket made by this loop may move to. */
    ChannelLoop sibling() {
        return group.next();
    }

    /** Whether this loop's sockets are the native ones (the README and logs name it). */
    boolean isNative() {
        return group != NIO;
    }

    /** A new socket this loop (or a {@link #sibling()}) can serve. */
    SocketChannel openSocket(ProtocolFamily family) throws IOException {
        return group.provider.openSocketChannel(family);
    }

    /** A new listening socket this loop can serve. */
    ServerSocketChannel openListener() throws IOException {
        return group.provider.openServerSocketChannel();
    }

    /**
     * A write-gathering buffer of this loop; loop thread only.
     *
     * @param forward true for the direction the read's data goes, false for the proxy's replies
     *                to the peer that was read
     */
    ByteBuffer batchBuffer(boolean forward) {
        return batches[forward ? 0 : 1];
    }

    /**
     * Runs {@code task} on the loop thread, soon. A task the loop gives itself needs no wake-up:
     * the loop runs its queue after the events it is handling and before it selects again, and a
     * wake-up costs a write to the selector's eventfd, a read to drain it and a pass that finds
     * nothing (two of each per WebSocket, from the closes, before this check).
     */
    void execute(Runnable task) {
        tasks.add(task);
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    /** Whether the caller is this loop's thread. */
    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    /**
     * Adds a non-blocking channel; loop thread only.
     *
     * @param ops the first interest set (usually {@link SelectionKey#OP_READ})
     */
    SelectionKey register(SelectableChannel channel, int ops, Endpoint endpoint) throws ClosedChannelException {
        return channel.register(selector, ops, endpoint);
    }

    /**
     * Keeps {@code key} registered, reading nothing, until its next owner attaches itself with
     * {@link #register}; loop thread only.
     */
    static void park(SelectionKey key) {
        key.attach(PARKED);
    }

    /**
     * Closes a socket this loop serves. On the loop thread its key is cancelled now and the socket
     * closed right after the next select has removed it from the selector: the JDK cannot close a
     * socket that a selector still holds, so it would instead ask for its linger setting and shut
     * its output down, then close it at that select, two system calls per socket more. Until then
     * the socket is open but read by no one and written by no one (its writer knows it closed).
     * From another thread, or on a native loop (a native socket leaves epoll by itself as it
     * closes), the socket is closed at once.
     */
    void close(SocketChannel channel) {
        SelectionKey k = channel.keyFor(selector);
        if (k == null || !inLoop() || isNative()) {
            UpstreamDialer.closeQuietly(channel);
            return;
        }
        k.cancel();
        closing.add(channel);
    }

    /** Makes a change of interest (from any thread) take effect now. */
    void wakeup() {
        if (!inLoop()) {
            selector.wakeup();
        }
    }

    @Override
    public void run() {
        // the body is a method of its own: a loop that never returns only reaches optimised code
        // through on-stack replacement, which the JIT gave this one 19 to 48 s into full load on
        // one core (handshakes ran at a fifth of their later rate until then); a method called per
        // pass is compiled as soon as it is hot
        while (true) {
            try {
                pass();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "event loop: " + e, e); // one bad socket must not stop the loop
            }
        }
    }

    /**
     * One select, each ready key handled as the selector finds it, then the queued tasks. The
     * action form of {@code select} is used because it leaves the selected-key set alone: filling
     * and iterating that set allocated a hash node and an iterator per ready key (17 % and 3 % of
     * the proxy's allocation in a 64 B echo profile).
     */
    private void pass() throws IOException {
        try {
            select();
        } finally {
            runTasks(); // even after a failed event: its wake-up may have been used up in this pass
        }
    }

    private void select() throws IOException {
        if (closing.isEmpty()) {
            selector.select(onReady);
        } else {
            // sockets closed in the last pass: a select that does not wait lets go of their keys
            ArrayList<SocketChannel> now = closing;
            closing = closingNext;
            closingNext = now;
            try {
                selector.selectNow(onReady);
            } finally {
                for (SocketChannel channel : now) {
                    UpstreamDialer.closeQuietly(channel); // closed even if the select failed
                }
                now.clear();
            }
        }
    }

    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "event loop task: " + e, e);
            }
        }
    }

    private void ready(SelectionKey key) {
        Endpoint endpoint = (Endpoint) key.attachment();
        try {
            if (endpoint == PARKED) {
                key.interestOps(0); // bytes (or an end) before the switch: left in the socket for the next owner
                return;
            }
            if (key.isValid() && key.isAcceptable()) {
                endpoint.acceptable();
                return;
            }
            if (key.isValid() && key.isConnectable()) {
                endpoint.connectable();
            }
            if (key.isValid() && key.isWritable()) {
                endpoint.writable();
            }
            if (key.isValid() && key.isReadable()) {
                readBuffer.clear();
                int n;
                try {
                    n = ((SocketChannel) key.channel()).read(readBuffer);
                } catch (IOException e) {
                    n = -1; // a reset reads as an end
                }
                if (n < 0) {
                    key.interestOpsAnd(~SelectionKey.OP_READ);
                    endpoint.ended();
                } else if (n > 0) {
                    endpoint.read(buffer, n);
                }
            }
        } catch (java.nio.channels.CancelledKeyException e) {
            // the tunnel closed this socket while handling another event
        }
    }
}
