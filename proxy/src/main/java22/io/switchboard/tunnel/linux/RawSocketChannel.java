package io.switchboard.tunnel.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;

/**
 * A TCP socket of the event loop, made straight from system calls. Always non-blocking: blocking
 * mode is refused (a new channel reports itself non-blocking), since only the loop uses these sockets (the TLS and thread paths keep the JDK's).
 * Compared with the JDK's channel, an accepted socket costs no {@code fcntl} and no
 * {@code getsockname} (the peer's address comes with {@code accept4}), a connect is finished by
 * asking {@code connect} again (one call instead of {@code poll}, {@code getsockopt} and two
 * {@code getsockname}), and a read or write of a heap buffer goes to the kernel without a copy.
 *
 * <p>{@link #socket()} is not supported: callers use the channel's own methods.
 */
final class RawSocketChannel extends SocketChannel implements EpollChannel {
    /** One native block per thread for gathering writes: heap buffers cannot be named in an iovec. */
    private static final int GATHER = 64 * 1024;
    private static final ThreadLocal<MemorySegment> GATHER_BUFFER = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(GATHER, 8));

    private final Fd fd;
    private final boolean ipv6;
    private volatile InetSocketAddress remote;
    private volatile boolean connected;
    private volatile boolean pending;

    /** A new, unconnected socket. */
    RawSocketChannel(SelectorProvider provider, boolean ipv6) throws IOException {
        super(provider);
        int n = Linux.socket(ipv6 ? Linux.AF_INET6 : Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC);
        if (n < 0) {
            throw Linux.error("socket", Linux.errno());
        }
        this.fd = new Fd(n);
        this.ipv6 = ipv6;
        if (ipv6) {
            try {
                SocketOptions.dualStack(n);
            } catch (IOException e) {
                fd.close();
                throw e;
            }
        }
        EpollChannel.markNonBlocking(this);
    }

    /** An accepted socket: connected to {@code remote}. */
    RawSocketChannel(SelectorProvider provider, int fd, boolean ipv6, InetSocketAddress remote) {
        super(provider);
        this.fd = new Fd(fd);
        this.ipv6 = ipv6;
        this.remote = remote;
        this.connected = true;
        EpollChannel.markNonBlocking(this);
    }


    @Override
    public Fd fd() {
        return fd;
    }

    @Override
    public boolean isListener() {
        return false;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("read-only buffer");
        }
        int room = dst.remaining();
        if (room == 0) {
            return 0;
        }
        int f = fd.begin();
        try {
            long n = Linux.read(f, MemorySegment.ofBuffer(dst), room);
            if (n > 0) {
                dst.position(dst.position() + (int) n);
                return (int) n;
            }
            if (n == 0) {
                return -1;
            }
            return failed("read");
        } finally {
            fd.end();
        }
    }

    /** Reads into the first buffer with room (a scatter read is allowed to fill less than all). */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        for (int i = offset; i < offset + length; i++) {
            if (dsts[i].hasRemaining()) {
                return read(dsts[i]);
            }
        }
        return 0;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        int count = src.remaining();
        if (count == 0) {
            return 0;
        }
        int f = fd.begin();
        try {
            long n = Linux.write(f, MemorySegment.ofBuffer(src), count);
            if (n >= 0) {
                src.position(src.position() + (int) n);
                return (int) n;
            }
            return failed("write");
        } finally {
            fd.end();
        }
    }

    /**
     * A gathering write as one {@code write(2)}: the buffers are copied into a native block (up to
     * 64 KiB per call; the caller writes the rest later, as after any partial write).
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        int last = -1;
        int filled = 0;
        for (int i = offset; i < offset + length; i++) {
            if (srcs[i].hasRemaining()) {
                if (last >= 0) {
                    filled = -1; // at least two: gather
                    break;
                }
                last = i;
            }
        }
        if (last < 0) {
            return 0;
        }
        if (filled == 0) {
            return write(srcs[last]);
        }
        MemorySegment gather = GATHER_BUFFER.get();
        filled = 0;
        for (int i = offset; i < offset + length && filled < GATHER; i++) {
            ByteBuffer b = srcs[i];
            int take = Math.min(b.remaining(), GATHER - filled);
            MemorySegment.copy(MemorySegment.ofBuffer(b), 0, gather, filled, take);
            filled += take;
        }
        int f = fd.begin();
        long n;
        try {
            n = Linux.write(f, gather, filled);
            if (n < 0) {
                return failed("write");
            }
        } finally {
            fd.end();
        }
        long left = n;
        for (int i = offset; i < offset + length && left > 0; i++) {
            ByteBuffer b = srcs[i];
            int step = (int) Math.min(b.remaining(), left);
            b.position(b.position() + step);
            left -= step;
        }
        return n;
    }

    /** 0 for "try again later"; an IOException for anything else. */
    private static int failed(String call) throws IOException {
        int errno = Linux.errno();
        if (errno == Linux.EAGAIN || errno == Linux.EINTR) {
            return 0;
        }
        throw Linux.error(call, errno);
    }

    @Override
    public boolean connect(SocketAddress to) throws IOException {
        if (connected) {
            throw new AlreadyConnectedException();
        }
        if (pending) {
            throw new ConnectionPendingException();
        }
        if (!(to instanceof InetSocketAddress address)) {
            throw new UnsupportedAddressTypeException();
        }
        int f = fd.begin();
        try {
            MemorySegment scratch = SockAddr.scratch();
            int length = SockAddr.encode(address, ipv6, scratch);
            remote = address;
            if (Linux.connect(f, scratch, length) == 0) {
                connected = true;
                return true;
            }
            int errno = Linux.errno();
            if (errno == Linux.EINPROGRESS || errno == Linux.EINTR) {
                pending = true;
                return false;
            }
            throw Linux.error("connect to " + address, errno);
        } finally {
            fd.end();
        }
    }

    /**
     * Asks {@code connect} again: Linux answers 0 or EISCONN once connected, EALREADY while the
     * handshake runs, and the connection's error (refused, timed out) if it failed.
     */
    @Override
    public boolean finishConnect() throws IOException {
        if (connected) {
            return true;
        }
        if (!pending) {
            throw new NoConnectionPendingException();
        }
        int f = fd.begin();
        try {
            MemorySegment scratch = SockAddr.scratch();
            int length = SockAddr.encode(remote, ipv6, scratch);
            int errno = Linux.connect(f, scratch, length) == 0 ? 0 : Linux.errno();
            if (errno == 0 || errno == Linux.EISCONN) {
                pending = false;
                connected = true;
                return true;
            }
            if (errno == Linux.EALREADY || errno == Linux.EINPROGRESS || errno == Linux.EINTR) {
                return false;
            }
            pending = false;
            throw Linux.error("connect to " + remote, errno);
        } finally {
            fd.end();
        }
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public boolean isConnectionPending() {
        return pending;
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        if (fd.isClosed()) {
            throw new java.nio.channels.ClosedChannelException();
        }
        return connected ? remote : null;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        return SockAddr.local(fd);
    }

    @Override
    public SocketChannel bind(SocketAddress local) {
        throw new UnsupportedOperationException("an event-loop socket is not bound before connecting");
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        SocketOptions.set(fd, name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return SocketOptions.get(fd, name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return SocketOptions.supported();
    }

    @Override
    public SocketChannel shutdownInput() throws IOException {
        return shutdown(Linux.SHUT_RD);
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        return shutdown(Linux.SHUT_WR);
    }

    private SocketChannel shutdown(int how) throws IOException {
        int f = fd.begin();
        try {
            if (Linux.shutdown(f, how) < 0 && Linux.errno() != 107) { // ENOTCONN: the peer already went
                throw Linux.error("shutdown", Linux.errno());
            }
            return this;
        } finally {
            fd.end();
        }
    }

    @Override
    public Socket socket() {
        throw new UnsupportedOperationException("an event-loop socket has no java.net.Socket view; use the channel");
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        fd.close();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        if (block) {
            throw new IOException("an event-loop socket is non-blocking only");
        }
    }

    @Override
    public String toString() {
        return "RawSocketChannel[fd " + fd.value + (remote != null ? ", " + remote : "") + (fd.isClosed() ? ", closed" : "") + "]";
    }
}
