package io.switchboard.tunnel;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;

/**
 * What Helidon's connection holds after {@link ClientChannel#detach}: a stand-in channel whose
 * shutdowns and close do nothing, so that Helidon closing "its" socket when its thread ends costs
 * nothing and throws nothing (a closed real channel made it build and drop two exceptions, with
 * stack traces, for every tunnel). Reads and writes fail as on a closed channel; nothing of
 * Helidon's reads or writes the connection after the upgrade, so they are never reached.
 */
final class DetachedChannel extends SocketChannel {
    /** One shared instance: it has no state. */
    static final DetachedChannel INSTANCE = new DetachedChannel();

    private DetachedChannel() {
        super(SelectorProvider.provider());
    }

    @Override
    public SocketChannel shutdownInput() {
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() {
        return this;
    }

    @Override
    protected void implCloseSelectableChannel() {
        // the tunnel owns and closes the real channel
    }

    @Override
    protected void implConfigureBlocking(boolean block) {
        // nothing to configure
    }

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    @Override
    public Socket socket() {
        throw new UnsupportedOperationException("detached: the tunnel owns the socket");
    }

    @Override
    public boolean isConnected() {
        return false;
    }

    @Override
    public boolean isConnectionPending() {
        return false;
    }

    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public boolean finishConnect() throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        throw new ClosedChannelException();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        throw new ClosedChannelException();
    }
}
