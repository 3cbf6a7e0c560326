package io.switchboard.drain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
     * @return how many were scheduled
     */
    public <T> int pace(List<T> items, long spreadMillis, Consumer<T> action) {
        scheduled.removeIf(java.util.concurrent.Future::isDone); // only pending ones are kept for hurry()
        List<T> order = new ArrayList<>(items);
        Collections.shuffle(order);
        int n = order.size();
        for (int i = 0; i < n; i++) {
            T item = order.get(i);
            double slot = (i + ThreadLocalRandom.current().nextDouble()) / n;
            long at = (long) (slot * spreadMillis);
            scheduled.add(timers.schedule(() -> action.accept(item), at, TimeUnit.MILLISECONDS));
        }
        return n;
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
