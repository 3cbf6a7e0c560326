package io.switchboard.tunnel.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.Set;

import jdk.net.ExtendedSocketOptions;

/**
 * The socket options the proxy sets, as {@code setsockopt} levels and names. All are integers or
 * booleans (an int 0/1 to the kernel); others are refused with {@link UnsupportedOperationException},
 * as a JDK channel refuses an option it does not support.
 */
final class SocketOptions {
    private record Native(int level, int name) {
    }

    private static final Map<SocketOption<?>, Native> OPTIONS = Map.of(
            StandardSocketOptions.TCP_NODELAY, new Native(Linux.IPPROTO_TCP, 1),
            StandardSocketOptions.SO_KEEPALIVE, new Native(Linux.SOL_SOCKET, 9),
            StandardSocketOptions.SO_REUSEADDR, new Native(Linux.SOL_SOCKET, 2),
            StandardSocketOptions.SO_REUSEPORT, new Native(Linux.SOL_SOCKET, 15),
            StandardSocketOptions.SO_RCVBUF, new Native(Linux.SOL_SOCKET, 8),
            StandardSocketOptions.SO_SNDBUF, new Native(Linux.SOL_SOCKET, 7),
            ExtendedSocketOptions.TCP_KEEPIDLE, new Native(Linux.IPPROTO_TCP, 4),
            ExtendedSocketOptions.TCP_KEEPINTERVAL, new Native(Linux.IPPROTO_TCP, 5),
            ExtendedSocketOptions.TCP_KEEPCOUNT, new Native(Linux.IPPROTO_TCP, 6));
    private static final ThreadLocal<MemorySegment> VALUE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8, 8));

    private SocketOptions() {
    }

    static Set<SocketOption<?>> supported() {
        return OPTIONS.keySet();
    }

    /** Sets an option on an open descriptor (bracketed by {@link Fd#begin()}). */
    static <T> void set(Fd fd, SocketOption<T> option, T value) throws IOException {
        int f = fd.begin();
        try {
            set(f, option, value);
        } finally {
            fd.end();
        }
    }

    /** Reads an option of an open descriptor (bracketed by {@link Fd#begin()}). */
    static <T> T get(Fd fd, SocketOption<T> option) throws IOException {
        int f = fd.begin();
        try {
            return get(f, option);
        } finally {
            fd.end();
        }
    }

    /**
     * Clears IPV6_V6ONLY on a new IPv6 socket, as the JDK does, so an IPv4 peer (as a v4-mapped
     * address) works whatever the host's {@code net.ipv6.bindv6only} says.
     */
    static void dualStack(int fd) throws IOException {
        MemorySegment cell = VALUE.get();
        cell.set(ValueLayout.JAVA_INT, 0, 0);
        if (Linux.setsockopt(fd, Linux.IPPROTO_IPV6, 26, cell, 4) < 0) { // IPV6_V6ONLY
            throw Linux.error("setsockopt IPV6_V6ONLY", Linux.errno());
        }
    }

    static <T> void set(int fd, SocketOption<T> option, T value) throws IOException {
        Native n = lookUp(option);
        int v = value instanceof Boolean b ? (b ? 1 : 0) : (Integer) value;
        MemorySegment cell = VALUE.get();
        cell.set(ValueLayout.JAVA_INT, 0, v);
        if (Linux.setsockopt(fd, n.level, n.name, cell, 4) < 0) {
            throw Linux.error("setsockopt " + option.name(), Linux.errno());
        }
    }

    @SuppressWarnings("unchecked")
    static <T> T get(int fd, SocketOption<T> option) throws IOException {
        Native n = lookUp(option);
        MemorySegment cell = VALUE.get();
        MemorySegment length = SockAddr.length(SockAddr.scratch());
        length.set(ValueLayout.JAVA_INT, 0, 4);
        if (Linux.getsockopt(fd, n.level, n.name, cell, length) < 0) {
            throw Linux.error("getsockopt " + option.name(), Linux.errno());
        }
        int v = cell.get(ValueLayout.JAVA_INT, 0);
        return option.type() == Boolean.class ? (T) Boolean.valueOf(v != 0) : (T) Integer.valueOf(v);
    }

    private static Native lookUp(SocketOption<?> option) {
        Native n = OPTIONS.get(option);
        if (n == null) {
            throw new UnsupportedOperationException("'" + option.name() + "' is not supported on an event-loop socket");
        }
        return n;
    }
}
