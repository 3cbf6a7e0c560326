package io.switchboard.tunnel.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.net.ConnectException;
import java.net.SocketException;

/**
 * The Linux system calls the event loop's sockets make, through the Foreign Function & Memory API
 * (final in JDK 22). Each returns what the C function returns; a failed call returns -1 and
 * {@link #errno()} tells why. Calls that never block on a non-blocking socket are linked as
 * <em>critical</em> with heap access: they skip the thread-state switch and take a Java array
 * directly, so a read lands in the loop's heap buffer without the copy through a temporary direct
 * buffer that Java's NIO makes. {@code epoll_wait} blocks and is linked normally.
 *
 * <p>Constants are the Linux ABI's, the same on x86-64 and AArch64.
 */
final class Linux {
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    static final int IPPROTO_TCP = 6;
    static final int IPPROTO_IPV6 = 41;
    static final int EPOLLIN = 0x1;
    static final int EPOLLOUT = 0x4;
    static final int EPOLLERR = 0x8;
    static final int EPOLLHUP = 0x10;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EINPROGRESS = 115;
    static final int EALREADY = 114;
    static final int EISCONN = 106;
    static final int SHUT_RD = 0;
    static final int SHUT_WR = 1;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL = Linker.Option.critical(true);
    /**
     * The errno of this thread's last call; one small native block per thread that makes calls,
     * freed with the thread (virtual threads come and go: a close or a ping runs on one of its own).
     */
    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private static final ValueLayout.OfInt I = ValueLayout.JAVA_INT;
    private static final ValueLayout.OfLong L = ValueLayout.JAVA_LONG;
    private static final ValueLayout P = ValueLayout.ADDRESS;

    private static final MethodHandle SOCKET = link("socket", false, FunctionDescriptor.of(I, I, I, I));
    private static final MethodHandle BIND = link("bind", true, FunctionDescriptor.of(I, I, P, I));
    private static final MethodHandle LISTEN = link("listen", true, FunctionDescriptor.of(I, I, I));
    private static final MethodHandle ACCEPT4 = link("accept4", true, FunctionDescriptor.of(I, I, P, P, I));
    private static final MethodHandle CONNECT = link("connect", true, FunctionDescriptor.of(I, I, P, I));
    private static final MethodHandle READ = link("read", true, FunctionDescriptor.of(L, I, P, L));
    private static final MethodHandle WRITE = link("write", true, FunctionDescriptor.of(L, I, P, L));
    private static final MethodHandle CLOSE = link("close", false, FunctionDescriptor.of(I, I));
    private static final MethodHandle SHUTDOWN = link("shutdown", true, FunctionDescriptor.of(I, I, I));
    private static final MethodHandle SETSOCKOPT = link("setsockopt", true, FunctionDescriptor.of(I, I, I, I, P, I));
    private static final MethodHandle GETSOCKOPT = link("getsockopt", true, FunctionDescriptor.of(I, I, I, I, P, P));
    private static final MethodHandle GETSOCKNAME = link("getsockname", true, FunctionDescriptor.of(I, I, P, P));
    private static final MethodHandle EPOLL_CREATE1 = link("epoll_create1", false, FunctionDescriptor.of(I, I));
    private static final MethodHandle EPOLL_CTL = link("epoll_ctl", true, FunctionDescriptor.of(I, I, I, I, P));
    private static final MethodHandle EPOLL_WAIT = link("epoll_wait", false, FunctionDescriptor.of(I, I, P, I, I));
    private static final MethodHandle EVENTFD = link("eventfd", false, FunctionDescriptor.of(I, I, I));

    private Linux() {
    }

    private static MethodHandle link(String name, boolean critical, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("no " + name + " in the C library"));
        Linker.Option[] options = critical ? new Linker.Option[]{ERRNO_OPTION, CRITICAL} : new Linker.Option[]{ERRNO_OPTION};
        // the capture segment comes first in every handle: (state, args...)
        return LINKER.downcallHandle(symbol, descriptor, options);
    }

    /** The errno the calling thread's last call through this class left. */
    static int errno() {
        return (int) ERRNO.get(STATE.get(), 0L);
    }

    /** An IOException for a failed call, named like the C library names the errno. */
    static IOException error(String call, int errno) {
        String text = call + ": " + Errno.describe(errno);
        return errno == 111 ? new ConnectException(text) : new SocketException(text);
    }

    static int socket(int family, int type) {
        try {
            return (int) SOCKET.invokeExact(STATE.get(), family, type, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int bind(int fd, MemorySegment address, int length) {
        try {
            return (int) BIND.invokeExact(STATE.get(), fd, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int listen(int fd, int backlog) {
        try {
            return (int) LISTEN.invokeExact(STATE.get(), fd, backlog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int accept4(int fd, MemorySegment address, MemorySegment length, int flags) {
        try {
            return (int) ACCEPT4.invokeExact(STATE.get(), fd, address, length, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int connect(int fd, MemorySegment address, int length) {
        try {
            return (int) CONNECT.invokeExact(STATE.get(), fd, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code read(2)} into {@code into}, which may be a heap segment (the call is critical). */
    static long read(int fd, MemorySegment into, long length) {
        try {
            return (long) READ.invokeExact(STATE.get(), fd, into, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write(2)} from {@code from}, which may be a heap segment (the call is critical). */
    static long write(int fd, MemorySegment from, long length) {
        try {
            return (long) WRITE.invokeExact(STATE.get(), fd, from, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int close(int fd) {
        try {
            return (int) CLOSE.invokeExact(STATE.get(), fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int shutdown(int fd, int how) {
        try {
            return (int) SHUTDOWN.invokeExact(STATE.get(), fd, how);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int setsockopt(int fd, int level, int name, MemorySegment value, int length) {
        try {
            return (int) SETSOCKOPT.invokeExact(STATE.get(), fd, level, name, value, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment length) {
        try {
            return (int) GETSOCKOPT.invokeExact(STATE.get(), fd, level, name, value, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getsockname(int fd, MemorySegment address, MemorySegment length) {
        try {
            return (int) GETSOCKNAME.invokeExact(STATE.get(), fd, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCreate() {
        try {
            return (int) EPOLL_CREATE1.invokeExact(STATE.get(), SOCK_CLOEXEC);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int epollCtl(int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) EPOLL_CTL.invokeExact(STATE.get(), epfd, op, fd, event);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocks (not critical): a thread waiting here is in native code and does not hold up a GC. */
    static int epollWait(int epfd, MemorySegment events, int max, int timeoutMillis) {
        try {
            return (int) EPOLL_WAIT.invokeExact(STATE.get(), epfd, events, max, timeoutMillis);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A non-blocking, close-on-exec eventfd: the selector's wake-up. */
    static int eventfd() {
        try {
            return (int) EVENTFD.invokeExact(STATE.get(), 0, SOCK_NONBLOCK | SOCK_CLOEXEC);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}
