package io.switchboard.tunnel.linux;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;

/**
 * The event loop's sockets and selectors on Linux system calls (epoll, accept4, non-blocking
 * connect), for JDK 22 and later; see {@code io.switchboard.tunnel.LoopIo} for how it is chosen.
 * Only TCP: datagram channels and pipes are not offered. A channel from this provider registers
 * only with a selector from it, and the JDK's channels do not register with its selectors.
 */
public final class EpollProvider extends SelectorProvider {
    private EpollProvider() {
    }

    /**
     * Links the system calls and checks them once (an epoll set and an eventfd are made and closed).
     *
     * @throws IOException if the C library lacks a call or the kernel refuses it
     */
    public static SelectorProvider create() throws IOException {
        EpollProvider provider = new EpollProvider();
        provider.openSelector().close();
        return provider;
    }

    @Override
    public AbstractSelector openSelector() throws IOException {
        return new EpollSelector(this);
    }

    @Override
    public ServerSocketChannel openServerSocketChannel() {
        return new RawServerSocketChannel(this);
    }

    /** The family is taken from the address at bind. */
    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) {
        return new RawServerSocketChannel(this);
    }

    /** A dual-stack (IPv6) socket, as the JDK's default. */
    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return new RawSocketChannel(this, true);
    }

    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        if (family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new UnsupportedOperationException("only INET and INET6 sockets: " + family);
        }
        return new RawSocketChannel(this, family == StandardProtocolFamily.INET6);
    }

    @Override
    public DatagramChannel openDatagramChannel() {
        throw new UnsupportedOperationException("event-loop sockets are TCP only");
    }

    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) {
        throw new UnsupportedOperationException("event-loop sockets are TCP only");
    }

    @Override
    public Pipe openPipe() {
        throw new UnsupportedOperationException("event-loop sockets are TCP only");
    }
}
