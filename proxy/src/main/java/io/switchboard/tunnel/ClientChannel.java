package io.switchboard.tunnel;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.NioSocket;
import io.helidon.webserver.ConnectionContext;

/**
 * Reaches the client's {@link SocketChannel} under Helidon's connection, so an established
 * plain-TCP tunnel can move to a {@link ChannelLoop}. Helidon 4.5 exposes the socket only as a
 * {@link HelidonSocket}; for a plain connection that is a {@link NioSocket} whose channel is a
 * private field, read here by reflection (the proxy runs on the class path, where that is
 * allowed). TLS connections ({@code TlsNioSocket}) and any change in Helidon's internals give
 * null: the tunnel then keeps its two blocking threads, which work everywhere.
 *
 * <p>{@link NioSocket} also keeps a read and a write buffer of 8 KiB each for the life of the
 * connection; once the channel is the loop's they are never used again, so {@link #releaseBuffers}
 * swaps them for empty ones: 16 KiB less per idle tunnel.
 */
final class ClientChannel {
    private static final Logger LOG = Logger.getLogger(ClientChannel.class.getName());
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final Field DELEGATE = field("delegate");
    private static final Field READ_BUFFER = field("readBuffer");
    private static final Field WRITE_BUFFER = field("writeBuffer");
    private static final Field HANDLER_SOCKET = handlerField();

    private ClientChannel() {
    }

    /** The plain client channel, or null when this connection cannot leave Helidon's thread. */
    static SocketChannel of(ConnectionContext ctx) {
        HelidonSocket socket = ctx.serverSocket();
        if (DELEGATE == null || socket.getClass() != NioSocket.class) {
            return null;
        }
        try {
            ByteBuffer pending = (ByteBuffer) READ_BUFFER.get(socket);
            // Helidon's reader takes whole reads (NioSocket.get() leaves the buffer cleared); bytes
            // read but not handed over could only be delivered by its reader, so they keep the threads
            boolean cleared = pending.position() == 0 && pending.limit() == pending.capacity();
            if (pending.hasRemaining() && !cleared) {
                return null;
            }
            return (SocketChannel) DELEGATE.get(socket);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Takes the bytes the client sent after its request that Helidon's reader already holds (they
     * are relayed first), then drops Helidon's buffers: nothing reads through them any more.
     */
    static byte[] takeBuffered(ConnectionContext ctx) {
        DataReader reader = ctx.dataReader();
        int buffered = reader.available();
        byte[] pipelined = buffered > 0 ? reader.readBytes(buffered) : new byte[0];
        releaseBuffers(ctx);
        return pipelined;
    }

    /** Drops the 8 KiB buffers Helidon keeps for a connection it no longer reads or writes. */
    private static void releaseBuffers(ConnectionContext ctx) {
        HelidonSocket socket = ctx.serverSocket();
        if (READ_BUFFER == null || WRITE_BUFFER == null || socket.getClass() != NioSocket.class) {
            return;
        }
        try {
            READ_BUFFER.set(socket, EMPTY);
            WRITE_BUFFER.set(socket, EMPTY);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // final fields may become unwritable in later JDKs: the buffers then stay, nothing breaks
        }
    }

    /**
     * Lets Helidon's thread for this connection finish while the tunnel lives on in the loop: when
     * {@code handle()} returns, Helidon closes the channel it holds twice (in its connection handler
     * and in the {@link NioSocket}), so both references are pointed at a {@link DetachedChannel}
     * first. Saves the parked virtual thread's stack (about 5 kB) and Helidon's per-connection
     * objects; the tunnel's own sockets are closed by the tunnel.
     *
     * @return false when Helidon's internals are not as expected: then nothing was changed and the
     *         caller must keep Helidon's thread parked until the tunnel ends
     */
    static boolean detach(ConnectionContext ctx) {
        HelidonSocket socket = ctx.serverSocket();
        if (HANDLER_SOCKET == null || DELEGATE == null || socket.getClass() != NioSocket.class
                || HANDLER_SOCKET.getDeclaringClass() != ctx.getClass()) {
            return false;
        }
        Object original;
        try {
            original = DELEGATE.get(socket);
            if (HANDLER_SOCKET.get(ctx) != original) {
                return false;
            }
            DELEGATE.set(socket, DetachedChannel.INSTANCE);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
        try {
            HANDLER_SOCKET.set(ctx, DetachedChannel.INSTANCE);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            try {
                DELEGATE.set(socket, original); // undo: Helidon keeps the connection as it was
            } catch (ReflectiveOperationException | RuntimeException ignored) {
                // cannot happen: the same field was just written
            }
            return false;
        }
    }

    private static Field handlerField() {
        try {
            Field f = Class.forName("io.helidon.webserver.ConnectionHandler").getDeclaredField("socket");
            f.setAccessible(true);
            return f.getType() == SocketChannel.class ? f : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "ConnectionHandler.socket unreachable; tunnels keep Helidon's thread parked", e);
            return null;
        }
    }

    private static Field field(String name) {
        try {
            Field f = NioSocket.class.getDeclaredField(name);
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(Level.FINE, "NioSocket." + name + " unreachable; tunnels keep their threads", e);
            return null;
        }
    }
}
