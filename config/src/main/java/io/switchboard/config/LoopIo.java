package io.switchboard.config;

import java.util.Locale;

/**
 * Which sockets the proxy's event loop uses with {@code accept: loop}; YAML key {@code loop-io}.
 * Default {@link #NATIVE}.
 */
public enum LoopIo {
    /**
     * Linux system calls through the Foreign Function & Memory API (epoll, accept4, non-blocking
     * connect): fewer system calls per WebSocket than Java's NIO. Needs Linux on x86-64 or AArch64
     * and a JDK 22 or later; elsewhere the proxy logs that it uses {@link #NIO} and goes on.
     */
    NATIVE,
    /** Java's NIO sockets and selector (the fallback, and the choice to rule the native ones out). */
    NIO;

    /** The YAML spelling, e.g. {@code native}. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
