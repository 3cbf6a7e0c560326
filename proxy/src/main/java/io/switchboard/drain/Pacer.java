package io.switchboard.drain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Paces closes evenly with jitter over a window, so clients reconnect calmly instead of in a
 * storm: the window is cut into one slot per item and each item closes at a random moment inside
 * its slot (items are shuffled first, so the order says nothing about age or backend).
 */
public final class Pacer {
    private final ScheduledExecutorService timers;
    private final List<ScheduledFuture<?>> scheduled = Collections.synchronizedList(new ArrayList<>());

    /** @param timers the shared scheduler */
    public Pacer(ScheduledExecutorService timers) {
        this.timers = timers;
    }

    /**
     * Schedules {@code action} for every item over {@code spreadMillis}.
     *
     * @return the scheduled actions, which can be counted and called off
     */
    public <T> Batch pace(List<T> items, long spreadMillis, Consumer<T> action) {
        scheduled.removeIf(java.util.concurrent.Future::isDone); // only pending ones are kept for hurry()
        List<T> order = new ArrayList<>(items);
        Collections.shuffle(order);
        int n = order.size();
        Batch batch = new Batch(n);
        for (int i = 0; i < n; i++) {
            T item = order.get(i);
            double slot = (i + ThreadLocalRandom.current().nextDouble()) / n;
            long at = (long) (slot * spreadMillis);
            // the action runs on a virtual thread: closing a connection can wait (on a writer's lock,
            // a TLS socket), and the shared timer thread serves every connection's timers
            ScheduledFuture<?> f = timers.schedule(() -> {
                batch.ran(item); // a batch kept for long (a drained backend's) holds no closed socket
                Thread.startVirtualThread(() -> action.accept(item));
            }, at, TimeUnit.MILLISECONDS);
            scheduled.add(f);
            batch.scheduled(item, f);
        }
        return batch;
    }

    /**
     * The actions one {@link #pace} call scheduled, by item (compared by identity), until each runs.
     * A backend drain keeps its batch, so that undraining calls off the closes still to come, and
     * draining again does not schedule the same sockets twice.
     */
    public static final class Batch {
        private final Map<Object, ScheduledFuture<?>> pending;
        private final int size;
        private Batch earlier; // batches joined by and(): checks, counts and cancels cover them too

        private Batch(int size) {
            this.size = size;
            this.pending = Collections.synchronizedMap(new IdentityHashMap<>(size));
        }

        // an action due at once can run before pace() records it: then it is never recorded
        private final java.util.Set<Object> ranEarly = Collections.newSetFromMap(new IdentityHashMap<>());

        private void scheduled(Object item, ScheduledFuture<?> f) {
            synchronized (pending) {
                if (!ranEarly.remove(item)) {
                    pending.put(item, f);
                }
            }
        }

        private void ran(Object item) {
            synchronized (pending) {
                if (pending.remove(item) == null) {
                    ranEarly.add(item);
                }
            }
        }

        /** How many actions the {@link #pace} call that made this batch scheduled. */
        public int size() {
            return size;
        }

        /**
         * This batch and {@code later} as one: {@link #isPending}, {@link #pending} and
         * {@link #cancel} of the result cover both.
         */
        public Batch and(Batch later) {
            if (later.earlier != null) {
                throw new IllegalStateException("already joined");
            }
            later.earlier = this;
            return later;
        }

        /** Whether {@code item}'s action is scheduled and has neither run nor been called off. */
        public boolean isPending(Object item) {
            return pending.containsKey(item) || earlier != null && earlier.isPending(item);
        }

        /** How many actions have neither run nor been called off. */
        public int pending() {
            return pending.size() + (earlier == null ? 0 : earlier.pending());
        }

        /**
         * Calls off the actions that have not started.
         *
         * @return how many were called off
         */
        public int cancel() {
            List<ScheduledFuture<?>> all;
            synchronized (pending) {
                all = new ArrayList<>(pending.values());
                pending.clear();
            }
            int n = earlier == null ? 0 : earlier.cancel();
            for (ScheduledFuture<?> f : all) {
                if (f.cancel(false)) {
                    n++;
                }
            }
            return n;
        }
    }

    /** Runs every scheduled action that has not run yet, now (a second SIGTERM skips the pacing). */
    public void hurry() {
        List<ScheduledFuture<?>> all;
        synchronized (scheduled) {
            all = new ArrayList<>(scheduled);
        }
        for (ScheduledFuture<?> f : all) {
            if (!f.isDone()) {
                // the delay queue cannot be re-timed; running the task inline is equivalent
                timers.execute(() -> runNow(f));
            }
        }
    }

    private static void runNow(ScheduledFuture<?> f) {
        if (f instanceof Runnable r && !f.isDone()) {
            r.run();
        }
    }
}
