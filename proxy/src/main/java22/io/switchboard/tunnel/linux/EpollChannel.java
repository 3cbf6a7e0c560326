package io.switchboard.tunnel.linux;

/** What {@link EpollSelector} needs of a channel: its descriptor and whether it listens. */
interface EpollChannel {
    /** The descriptor (a listener's exists once it is bound). */
    Fd fd();

    /** True for a listener: readable means {@code OP_ACCEPT}, not {@code OP_READ}. */
    boolean isListener();

    /** True while a connect started without blocking has not finished: writable means {@code OP_CONNECT}. */
    default boolean isConnectionPending() {
        return false;
    }
}
