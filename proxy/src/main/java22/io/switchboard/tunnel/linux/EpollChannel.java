package io.switchboard.tunnel.linux;

/** What {@link EpollSelector} needs of a channel: its descriptor and whether it listens. */
interface EpollChannel {
    /**
     * Makes {@code channel.isBlocking()} tell the truth for a socket made with SOCK_NONBLOCK; called
     * by the constructors (the channel's own {@code implConfigureBlocking(false)} makes no call).
     */
    static void markNonBlocking(java.nio.channels.spi.AbstractSelectableChannel channel) {
        try {
            channel.configureBlocking(false);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e); // not reached: nothing can fail here
        }
    }

    /** The descriptor (a listener's exists once it is bound). */
    Fd fd();

    /** True for a listener: readable means {@code OP_ACCEPT}, not {@code OP_READ}. */
    boolean isListener();

    /** True while a connect started without blocking has not finished: writable means {@code OP_CONNECT}. */
    default boolean isConnectionPending() {
        return false;
    }
}
