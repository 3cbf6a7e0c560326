package io.switchboard.tunnel.linux;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A level-triggered epoll selector for {@link RawSocketChannel} and {@link RawServerSocketChannel}.
 * Keys live in a table indexed by slot; epoll's data word carries the slot and the slot's
 * generation, so an event already fetched for a socket closed meanwhile (whose descriptor number
 * may belong to a new socket by then) is recognised and dropped. A socket that is closed leaves
 * the epoll set by itself, so a cancelled key whose socket is closed costs no {@code epoll_ctl};
 * the JDK's selector deletes every key explicitly. Wake-ups go through an eventfd, written at most
 * once until the selecting thread has read it.
 */
final class EpollSelector extends AbstractSelector {
    private static final int MAX_EVENTS = 256;
    private static final long WAKE_TOKEN = -1L;
    /** x86-64 packs struct epoll_event (12 bytes); other 64-bit ABIs align its data word (16). */
    private static final boolean PACKED = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        default -> false;
    };
    private static final long EVENT_SIZE = PACKED ? 12 : 16;
    private static final long DATA_AT = PACKED ? 4 : 8;
    private static final ThreadLocal<MemorySegment> CTL_EVENT = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));
    private static final MemorySegment ONE = Arena.global().allocateFrom(ValueLayout.JAVA_LONG, 1L);

    private final int epfd;
    private final int wakeFd;
    private final MemorySegment events;
    private final MemorySegment drain = Arena.global().allocate(8, 8);
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Set<SelectionKey> keys = new HashSet<>();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
    private final Set<SelectionKey> selected = new HashSet<>();
    /** Keys whose interest changed since the last selection; also the lock for each key's registered events. */
    private final java.util.ArrayList<EpollKey> updates = new java.util.ArrayList<>();
    private volatile EpollKey[] slots = new EpollKey[64];
    private int[] generations = new int[64];
    private int[] free = new int[64];
    private int freeCount;
    private int used;

    EpollSelector(SelectorProvider provider) throws IOException {
        super(provider);
        epfd = Linux.epollCreate();
        if (epfd < 0) {
            throw Linux.error("epoll_create1", Linux.errno());
        }
        wakeFd = Linux.eventfd();
        if (wakeFd < 0) {
            int errno = Linux.errno();
            Linux.close(epfd);
            throw Linux.error("eventfd", errno);
        }
        events = Arena.ofAuto().allocate(EVENT_SIZE * MAX_EVENTS, 8);
        if (ctl(Linux.EPOLL_CTL_ADD, wakeFd, Linux.EPOLLIN, WAKE_TOKEN) < 0) {
            int errno = Linux.errno();
            Linux.close(wakeFd);
            Linux.close(epfd);
            throw Linux.error("epoll_ctl", errno);
        }
    }

    @Override
    protected synchronized SelectionKey register(AbstractSelectableChannel channel, int ops, Object attachment) {
        if (!(channel instanceof EpollChannel)) {
            throw new IllegalSelectorException();
        }
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
        int slot = freeCount > 0 ? free[--freeCount] : used++;
        if (slot >= slots.length) {
            slots = Arrays.copyOf(slots, slots.length * 2);
            generations = Arrays.copyOf(generations, slots.length);
            free = Arrays.copyOf(free, slots.length);
        }
        long token = ((long) generations[slot] << 32) | slot;
        EpollKey key = new EpollKey(this, channel, token);
        slots[slot] = key;
        keys.add(key);
        key.attach(attachment);
        key.interestOps(ops); // into the epoll set at the next selection
        return key;
    }

    /** Notes that {@code key}'s interest changed; applied by the next selection. */
    void queue(EpollKey key) {
        synchronized (updates) {
            if (!key.queued) {
                key.queued = true;
                updates.add(key);
            }
        }
    }

    /** Brings the kernel's epoll set in line with the interest the queued keys ask for now. */
    private void applyUpdates() {
        synchronized (updates) {
            for (int i = 0; i < updates.size(); i++) {
                EpollKey key = updates.get(i);
                key.queued = false;
                if (key.isValid()) {
                    apply(key, toEpoll(key.interest()));
                }
            }
            updates.clear();
        }
    }

    /**
     * One epoll_ctl, if {@code wanted} differs from what the kernel has; under the update lock. The
     * descriptor is held open for the call: a socket closed on another thread has left epoll by
     * itself, and its number may already be another socket's.
     */
    private void apply(EpollKey key, int wanted) {
        if (wanted == key.registered) {
            return;
        }
        Fd fd = key.raw.fd();
        int f;
        try {
            f = fd.begin();
        } catch (ClosedChannelException e) {
            key.registered = 0;
            return;
        }
        try {
            int result = wanted == 0 ? ctl(Linux.EPOLL_CTL_DEL, f, 0, 0)
                    : ctl(key.registered == 0 ? Linux.EPOLL_CTL_ADD : Linux.EPOLL_CTL_MOD, f, wanted, key.token);
            if (result < 0 && !fd.isClosed()) {
                throw new IllegalStateException("epoll_ctl for " + key.channel() + ": " + Errno.describe(Linux.errno()));
            }
            key.registered = result < 0 ? 0 : wanted;
        } finally {
            fd.end();
        }
    }

    private static int toEpoll(int ops) {
        int events = 0;
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            events |= Linux.EPOLLIN;
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            events |= Linux.EPOLLOUT;
        }
        return events;
    }

    private int ctl(int op, int fd, int eventMask, long token) {
        MemorySegment event = CTL_EVENT.get();
        event.set(ValueLayout.JAVA_INT, 0, eventMask);
        event.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_AT, token);
        return Linux.epollCtl(epfd, op, fd, event);
    }

    @Override
    public int select(Consumer<SelectionKey> action, long timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("negative timeout");
        }
        return doSelect(action, timeout == 0 ? -1 : (int) Math.min(timeout, Integer.MAX_VALUE));
    }

    @Override
    public int select(Consumer<SelectionKey> action) throws IOException {
        return doSelect(action, -1);
    }

    @Override
    public int selectNow(Consumer<SelectionKey> action) throws IOException {
        return doSelect(action, 0);
    }

    @Override
    public int selectNow() throws IOException {
        return doSelect(null, 0);
    }

    @Override
    public int select(long timeout) throws IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("negative timeout");
        }
        return doSelect(null, timeout == 0 ? -1 : (int) Math.min(timeout, Integer.MAX_VALUE));
    }

    @Override
    public int select() throws IOException {
        return doSelect(null, -1);
    }

    /**
     * One epoll_wait. With an action, each ready key is handed to it (readyOps replaced); without,
     * ready keys are added to the selected-key set (readyOps merged), as {@link Selector} specifies.
     */
    private int doSelect(Consumer<SelectionKey> action, int timeoutMillis) throws IOException {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
        forgetCancelled();
        applyUpdates();
        int n;
        try {
            begin(); // an interrupt of the selecting thread wakes it, as with the JDK's selector
            n = Linux.epollWait(epfd, events, MAX_EVENTS, Thread.currentThread().isInterrupted() ? 0 : timeoutMillis);
        } finally {
            end();
        }
        if (n < 0) {
            int errno = Linux.errno();
            if (errno != Linux.EINTR) {
                throw Linux.error("epoll_wait", errno);
            }
            n = 0;
        }
        forgetCancelled();
        int count = 0;
        EpollKey[] table = slots;
        for (int i = 0; i < n; i++) {
            long at = i * EVENT_SIZE;
            int ready = events.get(ValueLayout.JAVA_INT_UNALIGNED, at);
            long token = events.get(ValueLayout.JAVA_LONG_UNALIGNED, at + DATA_AT);
            if (token == WAKE_TOKEN) {
                Linux.read(wakeFd, drain, 8);
                wakePending.set(false);
                continue;
            }
            int slot = (int) token;
            EpollKey key = slot < table.length ? table[slot] : null;
            if (key == null || key.token != token || !key.isValid()) {
                continue; // a socket closed after this event was fetched
            }
            int ops = readyOps(key, ready);
            if (ops == 0) {
                continue;
            }
            count++;
            if (action != null) {
                key.readyOps(ops);
                action.accept(key);
            } else if (selected.add(key)) {
                key.readyOps(ops);
            } else {
                key.readyOps(key.readyOps() | ops);
            }
        }
        return count;
    }

    /** Hang-ups and errors make every interest ready, so the owner finds out by trying (as the JDK does). */
    private static int readyOps(EpollKey key, int events) {
        int interest = key.interest();
        if ((events & (Linux.EPOLLERR | Linux.EPOLLHUP)) != 0) {
            return interest;
        }
        int ops = 0;
        if ((events & Linux.EPOLLIN) != 0) {
            ops |= key.raw.isListener() ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        if ((events & Linux.EPOLLOUT) != 0) {
            // as the JDK: writable means OP_CONNECT while a connect is pending, OP_WRITE after
            ops |= key.raw.isConnectionPending() ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
        }
        return ops & interest;
    }

    /** Frees the slots of cancelled keys; only keys whose socket is still open need an epoll_ctl. */
    private void forgetCancelled() {
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            if (cancelled.isEmpty()) {
                return;
            }
            synchronized (this) {
                for (SelectionKey k : cancelled) {
                    EpollKey key = (EpollKey) k;
                    synchronized (updates) {
                        try {
                            apply(key, 0); // a socket still open leaves epoll; a closed one already has
                        } catch (RuntimeException e) {
                            key.registered = 0; // the kernel refused the delete: nothing more to undo
                        }
                    }
                    int slot = (int) key.token;
                    if (slots[slot] == key) {
                        slots[slot] = null;
                        generations[slot]++;
                        free[freeCount++] = slot;
                    }
                    keys.remove(key);
                    selected.remove(key);
                    deregister(key);
                }
                cancelled.clear();
            }
        }
    }

    @Override
    public Selector wakeup() {
        if (wakePending.compareAndSet(false, true)) {
            Linux.write(wakeFd, ONE, 8);
        }
        return this;
    }

    @Override
    public Set<SelectionKey> keys() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
        return publicKeys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
        return selected;
    }

    @Override
    protected void implCloseSelector() {
        wakeup();
        SelectionKey[] all;
        synchronized (this) {
            all = keys.toArray(new SelectionKey[0]);
        }
        for (SelectionKey k : all) {
            k.cancel(); // outside this selector's lock: cancel takes the cancelled-key set's, which forgetCancelled takes first
        }
        forgetCancelled();
        // the descriptors are closed at once: the proxy closes a selector only when no thread selects
        // on it (EpollProvider.create's check); a loop's selector lives as long as the process
        Linux.close(wakeFd);
        Linux.close(epfd);
    }
}
