package io.switchboard.tunnel.linux;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectionKey;

/**
 * A registration with an {@link EpollSelector}. As with the JDK's selector, a change of interest
 * takes effect at the next selection (a thread that changes it while another selects wakes the
 * selector itself): the selector then makes at most one {@code epoll_ctl} for all the changes
 * since, so interest that goes back and forth within one pass of the loop costs no call. An empty
 * interest set takes the socket out of the epoll set, as the JDK does: epoll reports hang-ups and
 * errors whatever a registration asks for, and a socket nobody reads would otherwise wake the loop
 * without end.
 */
final class EpollKey extends AbstractSelectionKey {
    private final EpollSelector selector;
    private final SelectableChannel channel;
    final EpollChannel raw;
    /** Slot in the selector's table (low 32 bits) and the slot's generation (high 32): epoll's data word. */
    final long token;
    private volatile int interest;
    /** The epoll events registered in the kernel now (0: not in the set); the selector's, under its update lock. */
    int registered;
    /** Whether this key waits in the selector's update queue; under the selector's update lock. */
    boolean queued;
    private volatile int ready;

    EpollKey(EpollSelector selector, SelectableChannel channel, long token) {
        this.selector = selector;
        this.channel = channel;
        this.raw = (EpollChannel) channel;
        this.token = token;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    @Override
    public int interestOps() {
        ensureValid();
        return interest;
    }

    @Override
    public synchronized SelectionKey interestOps(int ops) {
        ensureValid();
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("ops " + ops + " not valid for " + channel);
        }
        if (ops != interest) {
            interest = ops;
            selector.queue(this);
        }
        return this;
    }

    @Override
    public int readyOps() {
        ensureValid();
        return ready;
    }

    void readyOps(int ops) {
        ready = ops;
    }

    /** The interest set without the validity check (the selector's own use). */
    int interest() {
        return interest;
    }

    private void ensureValid() {
        if (!isValid()) {
            throw new java.nio.channels.CancelledKeyException();
        }
    }
}
