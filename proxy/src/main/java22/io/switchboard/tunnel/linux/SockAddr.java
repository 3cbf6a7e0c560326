package io.switchboard.tunnel.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.channels.UnresolvedAddressException;

/**
 * {@code struct sockaddr_in} / {@code sockaddr_in6} in one native scratch block per thread (no
 * allocation per call): {@link #encode} fills it for bind and connect, {@link #decode} reads what
 * accept and getsockname left in it.
 */
final class SockAddr {
    /** Large enough for sockaddr_in6 (28 bytes) and the socklen_t after it. */
    private static final long SIZE = 64;
    private static final long LENGTH_AT = 32;
    private static final ThreadLocal<MemorySegment> SCRATCH = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SIZE, 8));
    private static final ValueLayout.OfShort NET_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private SockAddr() {
    }

    /** This thread's scratch block (the address; its length field is {@link #length}). */
    static MemorySegment scratch() {
        return SCRATCH.get();
    }

    /** The socklen_t in/out field of {@code scratch}, set to the room there is for an address. */
    static MemorySegment length(MemorySegment scratch) {
        MemorySegment length = scratch.asSlice(LENGTH_AT, 4);
        length.set(ValueLayout.JAVA_INT, 0, 28);
        return length;
    }

    /**
     * Writes {@code address} into {@code scratch}; an IPv4 address for an IPv6 socket is written
     * as its v4-mapped form.
     *
     * @return the address length to pass to the call
     */
    static int encode(InetSocketAddress address, boolean ipv6, MemorySegment scratch) {
        if (address.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        scratch.fill((byte) 0);
        byte[] ip = address.getAddress().getAddress();
        if (!ipv6 && ip.length != 4) {
            throw new java.nio.channels.UnsupportedAddressTypeException(); // an IPv6 address for an IPv4 socket
        }
        if (!ipv6) {
            scratch.set(ValueLayout.JAVA_SHORT, 0, (short) Linux.AF_INET);
            scratch.set(NET_SHORT, 2, (short) address.getPort());
            MemorySegment.copy(ip, 0, scratch, ValueLayout.JAVA_BYTE, 4, 4);
            return 16;
        }
        scratch.set(ValueLayout.JAVA_SHORT, 0, (short) Linux.AF_INET6);
        scratch.set(NET_SHORT, 2, (short) address.getPort());
        if (ip.length == 4) {
            scratch.set(ValueLayout.JAVA_BYTE, 18, (byte) 0xff);
            scratch.set(ValueLayout.JAVA_BYTE, 19, (byte) 0xff);
            MemorySegment.copy(ip, 0, scratch, ValueLayout.JAVA_BYTE, 20, 4);
        } else {
            MemorySegment.copy(ip, 0, scratch, ValueLayout.JAVA_BYTE, 8, 16);
            if (address.getAddress() instanceof Inet6Address v6) {
                scratch.set(ValueLayout.JAVA_INT, 24, v6.getScopeId());
            }
        }
        return 28;
    }

    /** The address in {@code scratch}; a v4-mapped IPv6 address comes back as IPv4, as NIO gives it. */
    static InetSocketAddress decode(MemorySegment scratch) {
        int family = scratch.get(ValueLayout.JAVA_SHORT, 0);
        int port = Short.toUnsignedInt(scratch.get(NET_SHORT, 2));
        try {
            if (family == Linux.AF_INET) {
                byte[] ip = new byte[4];
                MemorySegment.copy(scratch, ValueLayout.JAVA_BYTE, 4, ip, 0, 4);
                return new InetSocketAddress(InetAddress.getByAddress(ip), port);
            }
            byte[] ip = new byte[16];
            MemorySegment.copy(scratch, ValueLayout.JAVA_BYTE, 8, ip, 0, 16);
            if (isV4Mapped(ip)) {
                return new InetSocketAddress(InetAddress.getByAddress(new byte[]{ip[12], ip[13], ip[14], ip[15]}), port);
            }
            int scope = scratch.get(ValueLayout.JAVA_INT, 24);
            return new InetSocketAddress(scope == 0 ? InetAddress.getByAddress(ip) : Inet6Address.getByAddress(null, ip, scope), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("kernel gave a malformed address", e);
        }
    }

    /** The socket's own address ({@code getsockname}). */
    static InetSocketAddress local(Fd fd) throws java.io.IOException {
        int f = fd.begin();
        try {
            MemorySegment scratch = scratch();
            if (Linux.getsockname(f, scratch, length(scratch)) < 0) {
                throw Linux.error("getsockname", Linux.errno());
            }
            return decode(scratch);
        } finally {
            fd.end();
        }
    }

    /** Whether {@code address} needs an IPv6 socket. */
    static boolean isIpv6(InetSocketAddress address) {
        return !(address.getAddress() instanceof Inet4Address);
    }

    private static boolean isV4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff;
    }
}
