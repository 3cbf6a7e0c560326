package io.switchboard.balance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A named set of backends and their live state; answers "which backends should this key (or
 * this connection) try, in what order".
 *
 * <p><b>Usable</b> backends are those neither drained ({@link #setDrained}), nor failing their
 * active health check ({@link #setHealthy}), nor ejected. A
 * backend is ejected for {@code ejectFor} after {@link #reportFailure}, then becomes usable again
 * on its own (so consistent-hash keys return to their owner); {@link #reportSuccess} ends an
 * ejection early. When no backend is usable, {@link #candidates} is empty: the pool never falls
 * back to a backend it was told is down.
 *
 * <p><b>Bounded load</b> (0 = off, else a factor c &gt; 1; consistent hashing only): a backend
 * whose open count is at or above {@code ceil(c * (totalOpen + 1) * weight / totalWeight)} is
 * moved to the end of the order, keeping hash order among the capped ones. Totals count usable
 * backends only, because leases still open on a drained backend will not come back to the others.
 * For equal weights this is the {@code ceil(c * (m + 1) / n)} bound of "Consistent Hashing with
 * Bounded Loads" (Mirrokni, Thorup, Zadimoghaddam 2018); since c &gt; 1, at least one usable
 * backend is always below its cap, so the first candidate never exceeds it.
 *
 * <p>Thread-safe and lock-free: counts are atomics and each call works on a snapshot, so the
 * order it returns is a moment old under concurrency, never inconsistent.
 */
public final class Pool {
    private static final Comparator<Ranked> BY_ID = Comparator.comparing(r -> r.backend().id());
    /** Highest score first; exact ties (vanishingly rare) by id, so order never depends on list order. */
    private static final Comparator<Ranked> BY_SCORE =
            Comparator.comparingDouble(Ranked::score).reversed().thenComparing(BY_ID);

    private final String name;
    private final List<Backend> backends;
    private final BackendState[] states;
    private final Map<String, BackendState> byId = new HashMap<>();
    private final Policy policy;
    private final double boundedLoad;
    private final long ejectForNanos;
    private final LongSupplier nanoClock;
    private final WeightedRotation rotation;
    /** The schedule over a subset of usable backends, rebuilt only when the subset changes. */
    private volatile Subset subset;
    /** Advances on each rotation-based call; spreads round-robin starts and least-loaded ties. */
    private final AtomicLong turn = new AtomicLong();

    /**
     * @param name        the pool's name, for logs and the admin view
     * @param backends    the backends; ids must be unique; order does not affect hashing
     * @param policy      how to order candidates
     * @param boundedLoad 0 for off, else a finite factor &gt; 1
     * @param ejectFor    how long a failed backend is skipped; &gt;= 0 (0 disables ejection)
     * @param nanoClock   a {@link System#nanoTime}-like clock; tests pass a fake one
     * @throws IllegalArgumentException on duplicate ids or out-of-range parameters
     */
    public Pool(String name, List<Backend> backends, Policy policy, double boundedLoad,
                Duration ejectFor, LongSupplier nanoClock) {
        this(name, backends, policy, boundedLoad, ejectFor, nanoClock, null);
    }

    /**
     * As the full constructor, replacing {@code previous} (the same pool before a reload or a DNS
     * change): each backend it still lists keeps its live state (open leases, ejection, drain,
     * health); new backends start fresh.
     */
    public Pool(String name, List<Backend> backends, Policy policy, double boundedLoad,
                Duration ejectFor, LongSupplier nanoClock, Pool previous) {
        this.name = Objects.requireNonNull(name, "name");
        this.backends = List.copyOf(backends);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        if (!(boundedLoad == 0 || boundedLoad > 1) || Double.isInfinite(boundedLoad)) {
            throw new IllegalArgumentException("boundedLoad must be 0 or a finite factor > 1; got " + boundedLoad);
        }
        if (ejectFor.isNegative()) {
            throw new IllegalArgumentException("ejectFor must be >= 0; got " + ejectFor);
        }
        this.boundedLoad = boundedLoad;
        this.ejectForNanos = saturatedNanos(ejectFor);
        this.states = new BackendState[this.backends.size()];
        for (int i = 0; i < states.length; i++) {
            BackendState before = previous == null ? null : previous.byId.get(this.backends.get(i).id());
            states[i] = before == null ? new BackendState(this.backends.get(i), i)
                    : before.continuing(this.backends.get(i), i);
            if (byId.put(states[i].backend.id(), states[i]) != null) {
                throw new IllegalArgumentException("duplicate backend '" + states[i].backend.id() + "' in pool " + name);
            }
        }
        this.rotation = new WeightedRotation(this.backends);
    }

    /** As the full constructor, on {@link System#nanoTime}. */
    public Pool(String name, List<Backend> backends, Policy policy, double boundedLoad, Duration ejectFor) {
        this(name, backends, policy, boundedLoad, ejectFor, System::nanoTime);
    }

    /**
     * The usable backends to try for {@code key}, best first; empty when none is usable.
     *
     * @param key the sticky key; null means "no key" (consistent hashing then rotates)
     */
    public List<Backend> candidates(String key) {
        List<BackendState> usable = usable();
        if (usable.isEmpty()) {
            return List.of();
        }
        return switch (policy) {
            case CONSISTENT_HASH -> key == null ? rotated(usable) : hashOrder(key, usable);
            case ROUND_ROBIN -> rotated(usable);
            case LEAST_CONNECTIONS -> leastLoaded(usable);
        };
    }

    /**
     * The backend that owns {@code key} by pure hash order, ignoring health, drain and load;
     * null for an empty pool.
     */
    public Backend owner(String key) {
        long keyState = StableHash.keyState(Objects.requireNonNull(key, "key"));
        BackendState best = null;
        double bestScore = 0;
        for (BackendState s : states) {
            double score = StableHash.score(StableHash.hash(keyState, s.idUtf8), s.backend.weight());
            if (best == null || beats(score, s, bestScore, best)) {
                best = s;
                bestScore = score;
            }
        }
        return best == null ? null : best.backend;
    }

    /** Counts one open connection against {@code b} until the returned lease is closed. */
    public Lease acquire(Backend b) {
        BackendState s = state(b);
        return new Lease(s.backend, s.open);
    }

    /** Open leases on {@code b}. */
    public int open(Backend b) {
        return state(b).open.get();
    }

    /** Open leases on all backends of the pool, drained and ejected ones included. */
    public int totalOpen() {
        int total = 0;
        for (BackendState s : states) {
            total += s.open.get();
        }
        return total;
    }

    /** Ejects {@code b} for {@code ejectFor} from now (a later failure restarts the period). */
    public void reportFailure(Backend b) {
        state(b).eject(nanoClock.getAsLong());
    }

    /** Ends any ejection of {@code b}: it just worked. */
    public void reportSuccess(Backend b) {
        state(b).clearEjection();
    }

    /** True while {@code b} is ejected. */
    public boolean isEjected(Backend b) {
        return state(b).isEjected(nanoClock.getAsLong(), ejectForNanos);
    }

    /** Drains {@code b} (no new connections; open ones are left alone) or undrains it. */
    public void setDrained(Backend b, boolean drained) {
        state(b).setDrained(drained);
    }

    /** Marks {@code b} healthy or not, as its active health check decided; unhealthy ones are skipped. */
    public void setHealthy(Backend b, boolean healthy) {
        state(b).setUnhealthy(!healthy);
    }

    /** False while {@code b} fails its active health check. */
    public boolean isHealthy(Backend b) {
        return !state(b).isUnhealthy();
    }

    /** True while {@code b} is drained. */
    public boolean isDrained(Backend b) {
        return state(b).isDrained();
    }

    /** The backends in configuration order (immutable). */
    public List<Backend> backends() {
        return backends;
    }

    /** The pool's name. */
    public String name() {
        return name;
    }

    /** The balancing policy. */
    public Policy policy() {
        return policy;
    }

    private BackendState state(Backend b) {
        BackendState s = byId.get(Objects.requireNonNull(b, "backend").id());
        if (s == null) {
            throw new IllegalArgumentException("backend '" + b.id() + "' is not in pool " + name);
        }
        return s;
    }

    /** Usable backends in list order, judged against one clock reading. */
    private List<BackendState> usable() {
        long now = nanoClock.getAsLong();
        List<BackendState> usable = new ArrayList<>(states.length);
        for (BackendState s : states) {
            if (!s.isDrained() && !s.isUnhealthy() && !s.isEjected(now, ejectForNanos)) {
                usable.add(s);
            }
        }
        return usable;
    }

    /** Higher score wins; an exact tie (vanishingly rare) goes to the smaller id, for determinism. */
    private static boolean beats(double score, BackendState s, double otherScore, BackendState other) {
        int c = Double.compare(score, otherScore);
        return c > 0 || (c == 0 && s.backend.id().compareTo(other.backend.id()) < 0);
    }

    private List<Backend> hashOrder(String key, List<BackendState> usable) {
        long keyState = StableHash.keyState(key);
        Ranked[] ranked = new Ranked[usable.size()];
        for (int i = 0; i < ranked.length; i++) {
            BackendState s = usable.get(i);
            double score = StableHash.score(StableHash.hash(keyState, s.idUtf8), s.backend.weight());
            ranked[i] = new Ranked(s.backend, score, s.open.get());
        }
        Arrays.sort(ranked, BY_SCORE);
        return boundedLoad == 0 ? backendsOf(ranked) : capLast(ranked);
    }

    /** Stable partition: backends under their cap first, capped ones after, each in hash order. */
    private List<Backend> capLast(Ranked[] ranked) {
        long totalOpen = 0;
        long totalWeight = 0;
        for (Ranked r : ranked) {
            totalOpen += r.open();
            totalWeight += r.backend().weight();
        }
        List<Backend> under = new ArrayList<>(ranked.length);
        List<Backend> capped = new ArrayList<>();
        for (Ranked r : ranked) {
            double share = boundedLoad * (totalOpen + 1) * r.backend().weight() / totalWeight;
            // the epsilon keeps rounding noise (6.000000000000001) from raising an exact cap by one
            long cap = (long) Math.ceil(share - 1e-9);
            (r.open() >= cap ? capped : under).add(r.backend());
        }
        under.addAll(capped);
        return List.copyOf(under);
    }

    /** A weighted schedule over some of the pool's backends: {@code members} are their list indexes. */
    private record Subset(List<Integer> members, WeightedRotation rotation) {
    }

    /**
     * Usable backends from the next weighted round-robin slot on, in list order, wrapping. While
     * some backends are unusable the turn runs over a schedule of the usable ones alone, so they
     * keep their weights' proportions among themselves: handing an unusable backend's slots to
     * its list neighbour gave that one twice its share.
     */
    private List<Backend> rotated(List<BackendState> usable) {
        int first;
        if (usable.size() == states.length) {
            first = rotation.at(turn.getAndIncrement()); // all usable: list index = position in usable
        } else {
            List<Integer> members = usable.stream().map(s -> s.index).toList();
            Subset current = subset;
            if (current == null || !current.members().equals(members)) {
                current = new Subset(members, new WeightedRotation(usable.stream().map(s -> s.backend).toList()));
                subset = current;
            }
            first = current.rotation().at(turn.getAndIncrement());
        }
        List<Backend> out = new ArrayList<>(usable.size());
        for (int i = 0; i < usable.size(); i++) {
            out.add(usable.get((first + i) % usable.size()).backend);
        }
        return List.copyOf(out);
    }

    /** Fewest open leases per unit of weight first; ties in id order rotated by the turn. */
    private List<Backend> leastLoaded(List<BackendState> usable) {
        int n = usable.size();
        Ranked[] idOrder = new Ranked[n];
        for (int i = 0; i < n; i++) {
            BackendState s = usable.get(i);
            idOrder[i] = new Ranked(s.backend, 0, s.open.get()); // open read once: a stable sort key
        }
        Arrays.sort(idOrder, BY_ID);
        int shift = (int) Math.floorMod(turn.getAndIncrement(), (long) n);
        Ranked[] ranked = new Ranked[n];
        for (int i = 0; i < n; i++) {
            ranked[i] = idOrder[(shift + i) % n];
        }
        // stable sort: equal loads keep the rotated order; cross-multiply to compare open/weight
        Arrays.sort(ranked, (a, b) -> Long.compare((long) a.open() * b.backend().weight(),
                (long) b.open() * a.backend().weight()));
        return backendsOf(ranked);
    }

    private static List<Backend> backendsOf(Ranked[] ranked) {
        List<Backend> out = new ArrayList<>(ranked.length);
        for (Ranked r : ranked) {
            out.add(r.backend());
        }
        return List.copyOf(out);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE; // ~292 years: "for ever"
        }
    }

    /** A backend with the values it is ordered by, read once per call. */
    private record Ranked(Backend backend, double score, int open) {
    }

    @Override
    public String toString() {
        return "Pool[" + name + ", " + policy + ", " + backends.size() + " backends]";
    }
}
