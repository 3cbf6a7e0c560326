package io.switchboard.drain;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Every open {@link Drainable}: what a drain, a backend drain or a reload walks. Adding and
 * removing are O(1) and lock-free, so the registry costs the relay nothing.
 */
public final class Registry {
    private final Set<Drainable> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger opening = new AtomicInteger();

    /**
     * An upgrade passed the gate and its dial began: a drain waits for it, since it will open
     * (or be refused) without anyone being told otherwise. Pair with {@link #openingEnded}.
     */
    public void openingStarted() {
        opening.incrementAndGet();
    }

    /** The dial of an upgrade ended: its WebSocket is registered by now, or was refused. */
    public void openingEnded() {
        opening.decrementAndGet();
    }

    /** Upgrades whose dial is under way. */
    public int opening() {
        return opening.get();
    }

    private final AtomicInteger requests = new AtomicInteger();

    /**
     * A plain HTTP request is being forwarded (uploading, waiting for the backend's answer, or
     * relaying it): a drain waits for it to finish. Pair with {@link #requestEnded}. Its streamed
     * answer, if a drain may end it, is also {@link #add added}.
     */
    public void requestStarted() {
        requests.incrementAndGet();
    }

    /** A plain HTTP request was answered (or failed). */
    public void requestEnded() {
        requests.decrementAndGet();
    }

    /** Plain HTTP requests being forwarded. */
    public int requests() {
        return requests.get();
    }

    /** Registers {@code d} until {@link #remove}. */
    public void add(Drainable d) {
        open.add(d);
    }

    /** Forgets {@code d}. */
    public void remove(Drainable d) {
        open.remove(d);
    }

    /** A snapshot of the open ones matching {@code filter}. */
    public List<Drainable> snapshot(Predicate<Drainable> filter) {
        return open.stream().filter(filter).toList();
    }

    /** How many are open. */
    public int size() {
        return open.size();
    }

    /** Open WebSockets per {@code pool/backend}, for the admin API. */
    public Map<String, Long> countByBackend() {
        Map<String, Long> counts = new ConcurrentHashMap<>();
        for (Drainable d : open) {
            if (!d.webSocket()) {
                continue;
            }
            counts.merge(d.pool() + "/" + d.backend(), 1L, Long::sum);
        }
        return counts;
    }
}
