package io.switchboard.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;

/**
 * Where the answer to a WebSocket upgrade goes, once the dial has an outcome: still Helidon's
 * connection ({@link Attached}: a blocking dial on Helidon's thread, which then runs the returned
 * {@link ServerConnection}), or the client's socket already taken from Helidon ({@link Detached}:
 * a dial on the event loop; Helidon's thread has returned and nothing is given back to it).
 */
sealed interface ClientEnd {
    /**
     * Writes the whole answer (a refusal) and ends the connection; returns what Helidon runs next.
     * A client that does not take the answer within {@code limit} is cut, so a client that stops
     * reading holds no thread or socket.
     */
    ServerConnection answer(AnswerLimit limit, byte[]... parts);

    /** Starts {@code tunnel} after writing {@code head} (the 101); returns what Helidon runs next. */
    ServerConnection open(TunnelConnection tunnel, byte[] head);

    /** Helidon's connection, null once detached. */
    ConnectionContext ctx();

    /** The client's plain channel, null when the connection has TLS or cannot be reached. */
    SocketChannel channel();

    /**
     * How long a client has to take a refusal (the {@code timeouts.handshake} of the table: the
     * client's whole exchange before a WebSocket opens is held to it); zero means no limit.
     */
    record AnswerLimit(ScheduledExecutorService timers, Duration within) {
        /** Closes {@code socket} when the limit passes, unless the returned future is cancelled first. */
        ScheduledFuture<?> cut(AutoCloseable socket) {
            if (within.isZero()) {
                return null;
            }
            return timers.schedule(() -> {
                try {
                    socket.close(); // a blocked write fails, its thread moves on
                } catch (Exception e) {
                    // already closed
                }
            }, within.toMillis(), TimeUnit.MILLISECONDS);
        }

        static void written(ScheduledFuture<?> cut) {
            if (cut != null) {
                cut.cancel(false);
            }
        }
    }

    /** The connection as Helidon holds it: its thread waits for what {@link #open} returns. */
    record Attached(ConnectionContext ctx) implements ClientEnd {
        @Override
        public ServerConnection answer(AnswerLimit limit, byte[]... parts) {
            ScheduledFuture<?> cut = limit.cut(() -> ctx.serverSocket().close());
            try {
                for (byte[] part : parts) {
                    HttpErrors.write(ctx, part);
                }
            } finally {
                AnswerLimit.written(cut);
            }
            return HttpErrors.finished();
        }

        @Override
        public ServerConnection open(TunnelConnection tunnel, byte[] head) {
            HttpErrors.write(ctx, head);
            return tunnel;
        }

        @Override
        public SocketChannel channel() {
            return ClientChannel.of(ctx);
        }
    }

    /**
     * The client's socket taken from Helidon before the dial, with the bytes the client sent after
     * its request (Helidon had read them already). Helidon's thread returns at once.
     */
    record Detached(SocketChannel channel, byte[] pipelined) implements ClientEnd {
        /**
         * Takes a plain connection from Helidon, or gives null (TLS, or Helidon's internals not as
         * expected), leaving the connection with Helidon as it was.
         */
        static Detached from(ConnectionContext ctx) {
            SocketChannel channel = ClientChannel.of(ctx);
            if (channel == null || !ClientChannel.detach(ctx)) {
                return null;
            }
            return new Detached(channel, ClientChannel.takeBuffered(ctx));
        }

        /**
         * Written on a virtual thread of its own: the socket is still blocking (it is not the
         * loop's), and a refusal's relayed body may be larger than the socket takes at once.
         */
        @Override
        public ServerConnection answer(AnswerLimit limit, byte[]... parts) {
            Thread.startVirtualThread(() -> {
                ScheduledFuture<?> cut = limit.cut(channel);
                try (SocketChannel c = channel) {
                    for (byte[] part : parts) {
                        ByteBuffer b = ByteBuffer.wrap(part);
                        while (b.hasRemaining()) {
                            c.write(b);
                        }
                    }
                } catch (IOException e) {
                    // the client is gone, or was cut; nothing to tell it
                } finally {
                    AnswerLimit.written(cut);
                }
            });
            return null;
        }

        @Override
        public ServerConnection open(TunnelConnection tunnel, byte[] head) {
            tunnel.startDetached(pipelined, head);
            return null;
        }

        @Override
        public ConnectionContext ctx() {
            return null;
        }
    }
    /**
     * A client socket the proxy's own {@link Acceptor} took, non-blocking and registered with
     * {@code loop}, with the bytes the client sent after its request. Everything about it runs on
     * that loop; Helidon never saw it.
     */
    record Accepted(SocketChannel channel, byte[] pipelined, ChannelLoop loop) implements ClientEnd {
        /** Written by the loop as the socket takes it, then closed; cut at the limit like the others. */
        @Override
        public ServerConnection answer(AnswerLimit limit, byte[]... parts) {
            new LoopAnswer(this, limit.cut(channel), parts).writable();
            return null;
        }

        @Override
        public ServerConnection open(TunnelConnection tunnel, byte[] head) {
            tunnel.startDetached(pipelined, head);
            return null;
        }

        @Override
        public ConnectionContext ctx() {
            return null;
        }
    }

    /** An answer written on the loop without blocking it: what the socket does not take waits for OP_WRITE. */
    final class LoopAnswer extends ChannelLoop.Quiet {
        private final Accepted end;
        private final ScheduledFuture<?> cut;
        private final ByteBuffer[] parts;

        LoopAnswer(Accepted end, ScheduledFuture<?> cut, byte[]... parts) {
            this.end = end;
            this.cut = cut;
            this.parts = new ByteBuffer[parts.length];
            for (int i = 0; i < parts.length; i++) {
                this.parts[i] = ByteBuffer.wrap(parts[i]);
            }
        }

        @Override
        public void writable() {
            try {
                end.channel().write(parts);
                if (parts[parts.length - 1].hasRemaining()) {
                    end.loop().register(end.channel(), SelectionKey.OP_WRITE, this);
                    return;
                }
            } catch (IOException e) {
                // the client is gone, or was cut; nothing to tell it
            }
            AnswerLimit.written(cut);
            end.loop().close(end.channel());
        }
    }
}
