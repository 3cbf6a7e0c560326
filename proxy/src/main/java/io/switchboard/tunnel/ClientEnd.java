package io.switchboard.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;

/**
 * Where the answer to a WebSocket upgrade goes, once the dial has an outcome: still Helidon's
 * connection ({@link Attached}: a blocking dial on Helidon's thread, which then runs the returned
 * {@link ServerConnection}), or the client's socket already taken from Helidon ({@link Detached}:
 * a dial on the event loop; Helidon's thread has returned and nothing is given back to it).
 */
sealed interface ClientEnd {
    /** Writes the whole answer (a refusal) and ends the connection; returns what Helidon runs next. */
    ServerConnection answer(byte[]... parts);

    /** Starts {@code tunnel} after writing {@code head} (the 101); returns what Helidon runs next. */
    ServerConnection open(TunnelConnection tunnel, byte[] head);

    /** Helidon's connection, null once detached. */
    ConnectionContext ctx();

    /** The client's plain channel, null when the connection has TLS or cannot be reached. */
    SocketChannel channel();

    /** The connection as Helidon holds it: its thread waits for what {@link #open} returns. */
    record Attached(ConnectionContext ctx) implements ClientEnd {
        @Override
        public ServerConnection answer(byte[]... parts) {
            for (byte[] part : parts) {
                HttpErrors.write(ctx, part);
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
        public ServerConnection answer(byte[]... parts) {
            Thread.startVirtualThread(() -> {
                try (SocketChannel c = channel) {
                    for (byte[] part : parts) {
                        ByteBuffer b = ByteBuffer.wrap(part);
                        while (b.hasRemaining()) {
                            c.write(b);
                        }
                    }
                } catch (IOException e) {
                    // the client is gone; nothing to tell it
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
}
