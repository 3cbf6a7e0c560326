package io.switchboard.tunnel.linux;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.UnsupportedAddressTypeException;
import java.nio.channels.spi.SelectorProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The event loop's listening socket, made straight from system calls. The socket is created at
 * {@link #bind} in the bound address's family (an IPv4 address gets an IPv4 socket), so options
 * set before it are kept and applied then. {@link #accept} uses {@code accept4} with
 * {@code SOCK_NONBLOCK}: the new socket is non-blocking from birth and its peer's address comes
 * with it, where the JDK's accept makes four more calls. Accepted sockets inherit the listener's
 * TCP_NODELAY and keepalive settings (Linux copies them), so set those here once.
 */
final class RawServerSocketChannel extends ServerSocketChannel implements EpollChannel {
    private final Map<SocketOption<?>, Object> early = new LinkedHashMap<>();
    private volatile Fd fd;
    private volatile boolean ipv6;

    RawServerSocketChannel(SelectorProvider provider) {
        super(provider);
        EpollChannel.markNonBlocking(this); // the socket will be made with SOCK_NONBLOCK
    }

    @Override
    public Fd fd() {
        Fd f = fd;
        if (f == null) {
            throw new NotYetBoundException();
        }
        return f;
    }

    @Override
    public boolean isListener() {
        return true;
    }

    @Override
    public synchronized ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
        if (fd != null) {
            throw new AlreadyBoundException();
        }
        InetSocketAddress address = local == null ? new InetSocketAddress(0) : cast(local);
        boolean v6 = SockAddr.isIpv6(address);
        int n = Linux.socket(v6 ? Linux.AF_INET6 : Linux.AF_INET, Linux.SOCK_STREAM | Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC);
        if (n < 0) {
            throw Linux.error("socket", Linux.errno());
        }
        Fd f = new Fd(n);
        try {
            if (v6) {
                SocketOptions.dualStack(n);
            }
            for (Map.Entry<SocketOption<?>, Object> e : early.entrySet()) {
                set(n, e.getKey(), e.getValue());
            }
            MemorySegment scratch = SockAddr.scratch();
            int length = SockAddr.encode(address, v6, scratch);
            if (Linux.bind(n, scratch, length) < 0) {
                throw Linux.error("bind " + address, Linux.errno());
            }
            if (Linux.listen(n, backlog < 1 ? 50 : backlog) < 0) {
                throw Linux.error("listen", Linux.errno());
            }
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
        ipv6 = v6;
        fd = f;
        if (!isOpen()) {
            f.close(); // closed while binding: implCloseSelectableChannel saw no descriptor yet
        }
        return this;
    }

    @SuppressWarnings("unchecked")
    private static void set(int fd, SocketOption<?> option, Object value) throws IOException {
        SocketOptions.set(fd, (SocketOption<Object>) option, value);
    }

    private static InetSocketAddress cast(SocketAddress local) {
        if (local instanceof InetSocketAddress a) {
            return a;
        }
        throw new UnsupportedAddressTypeException();
    }

    /** A connection the kernel has ready, or null when none is (EAGAIN, or one that aborted). */
    @Override
    public SocketChannel accept() throws IOException {
        Fd listener = fd();
        int f = listener.begin();
        try {
            MemorySegment scratch = SockAddr.scratch();
            int n = Linux.accept4(f, scratch, SockAddr.length(scratch), Linux.SOCK_NONBLOCK | Linux.SOCK_CLOEXEC);
            if (n < 0) {
                int errno = Linux.errno();
                if (errno == Linux.EAGAIN || errno == Linux.EINTR || isRetryable(errno)) {
                    return null;
                }
                throw Linux.error("accept", errno);
            }
            return new RawSocketChannel(provider(), n, ipv6, SockAddr.decode(scratch));
        } finally {
            listener.end();
        }
    }

    /**
     * ECONNABORTED, and the network errors accept(2) says to treat as "try again" on Linux
     * (ENETDOWN, EPROTO, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, EOPNOTSUPP, ENETUNREACH):
     * the connection that failed is gone and the listener stays ready for the next.
     */
    private static boolean isRetryable(int errno) {
        return switch (errno) {
            case 103, 100, 71, 92, 112, 64, 113, 95, 101 -> true;
            default -> false;
        };
    }

    @Override
    public synchronized <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        if (!SocketOptions.supported().contains(name)) {
            throw new UnsupportedOperationException("'" + name.name() + "' is not supported on an event-loop socket");
        }
        Fd f = fd;
        if (f == null) {
            early.put(name, value);
            return this;
        }
        SocketOptions.set(f, name, value);
        return this;
    }

    @SuppressWarnings("unchecked")
    @Override
    public synchronized <T> T getOption(SocketOption<T> name) throws IOException {
        Fd f = fd;
        if (f == null) {
            return (T) early.get(name);
        }
        return SocketOptions.get(f, name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return SocketOptions.supported();
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        Fd f = fd;
        return f == null ? null : SockAddr.local(f);
    }

    @Override
    public ServerSocket socket() {
        throw new UnsupportedOperationException("an event-loop listener has no java.net.ServerSocket view; use the channel");
    }

    @Override
    protected void implCloseSelectableChannel() throws IOException {
        Fd f = fd;
        if (f != null) {
            f.close();
        }
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        if (block) {
            throw new IOException("an event-loop listener is non-blocking only");
        }
    }

    @Override
    public String toString() {
        Fd f = fd;
        return "RawServerSocketChannel[" + (f == null ? "unbound" : "fd " + f.value) + "]";
    }
}
