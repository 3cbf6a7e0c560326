package io.switchboard.balance;

import static io.switchboard.balance.ConsistentHashTest.backends;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Live state: leases, bounded load, ejection, drain, and the non-hash policies. */
class PoolTest {
    private final AtomicLong clock = new AtomicLong(1_000);

    @Test
    void leasesCountOpenConnectionsAndCloseOnce() {
        Pool pool = pool(Policy.CONSISTENT_HASH, backends(2, 1), 0);
        Backend b = pool.backends().get(0);
        Lease first = pool.acquire(b);
        try (Lease second = pool.acquire(b)) {
            assertThat(pool.open(b)).isEqualTo(2);
            assertThat(pool.totalOpen()).isEqualTo(2);
            assertThat(second.backend()).isEqualTo(b);
        }
        first.close();
        first.close();
        assertThat(pool.open(b)).isZero();
        assertThat(first.isClosed()).isTrue();
    }

    @Test
    void boundedLoadCapsAHotKey() {
        Pool pool = pool(Policy.CONSISTENT_HASH, backends(4, 1), 1.25);
        Backend owner = pool.owner("hot");
        List<Lease> leases = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            List<Backend> order = pool.candidates("hot");
            assertThat(order).hasSize(4);
            leases.add(pool.acquire(order.get(0)));
            long cap = (long) Math.ceil(1.25 * pool.totalOpen() / 4);
            for (Backend b : pool.backends()) {
                assertThat(pool.open(b)).as("%s after %d leases", b.id(), i + 1).isLessThanOrEqualTo((int) cap);
            }
        }
        assertThat(pool.open(owner)).isEqualTo(63); // the owner is filled to its cap: ceil(1.25 * 200 / 4)
        leases.forEach(Lease::close);
        assertThat(pool.candidates("hot").get(0)).isEqualTo(owner);
    }

    @Test
    void boundedLoadMovesCappedBackendsToTheEndInHashOrder() {
        Pool plain = pool(Policy.CONSISTENT_HASH, backends(4, 1), 0);
        Pool pool = pool(Policy.CONSISTENT_HASH, backends(4, 1), 1.25);
        List<Backend> hashOrder = plain.candidates("k");
        for (int i = 0; i < 3; i++) {
            pool.acquire(hashOrder.get(0)); // cap is ceil(1.25 * 4 / 4) = 2: the owner is over it
        }
        assertThat(pool.candidates("k")).containsExactly(hashOrder.get(1), hashOrder.get(2), hashOrder.get(3), hashOrder.get(0));
    }

    @Test
    void boundedLoadScalesTheCapByWeight() {
        List<Backend> list = List.of(new Backend("a:1", 3), new Backend("b:1", 1));
        Pool pool = pool(Policy.CONSISTENT_HASH, list, 1.25);
        Map<Backend, Integer> opened = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            Backend b = pool.candidates("same").get(0);
            pool.acquire(b);
            opened.merge(b, 1, Integer::sum);
        }
        // a may hold up to 1.25 * 3/4 of the load; b then takes the remainder
        assertThat(pool.open(list.get(0))).isLessThanOrEqualTo(375); // ceil(1.25 * 400 * 3/4)
        assertThat(pool.open(list.get(1))).isLessThanOrEqualTo(125); // ceil(1.25 * 400 * 1/4)
        assertThat(opened).hasSize(2);
        assertThat(opened.values()).allMatch(n -> n >= 25);
    }

    @Test
    void ejectedBackendIsSkippedThenReturns() {
        Pool pool = pool(Policy.CONSISTENT_HASH, backends(5, 1), 0);
        Backend owner = pool.owner("user-1");
        pool.reportFailure(owner);
        assertThat(pool.isEjected(owner)).isTrue();
        assertThat(pool.candidates("user-1")).hasSize(4).doesNotContain(owner);
        clock.addAndGet(Duration.ofSeconds(10).toNanos() - 1);
        assertThat(pool.candidates("user-1")).doesNotContain(owner);
        clock.addAndGet(1);
        assertThat(pool.isEjected(owner)).isFalse();
        assertThat(pool.candidates("user-1").get(0)).isEqualTo(owner);
    }

    @Test
    void successEndsAnEjectionEarly() {
        Pool pool = pool(Policy.ROUND_ROBIN, backends(2, 1), 0);
        Backend b = pool.backends().get(0);
        pool.reportFailure(b);
        pool.reportSuccess(b);
        assertThat(pool.isEjected(b)).isFalse();
        assertThat(pool.candidates(null)).contains(b);
    }

    @Test
    void drainedBackendIsSkippedUntilUndrained() {
        Pool pool = pool(Policy.CONSISTENT_HASH, backends(3, 1), 0);
        Backend owner = pool.owner("k");
        pool.setDrained(owner, true);
        assertThat(pool.isDrained(owner)).isTrue();
        assertThat(pool.candidates("k")).hasSize(2).doesNotContain(owner);
        assertThat(pool.owner("k")).isEqualTo(owner); // the pure hash order ignores health
        pool.setDrained(owner, false);
        assertThat(pool.candidates("k").get(0)).isEqualTo(owner);
    }

    @Test
    void noCandidatesWhenAllAreEjectedOrDrained() {
        for (Policy policy : Policy.values()) {
            Pool pool = pool(policy, backends(3, 1), 0);
            pool.reportFailure(pool.backends().get(0));
            pool.reportFailure(pool.backends().get(1));
            pool.setDrained(pool.backends().get(2), true);
            assertThat(pool.candidates("k")).as(policy.name()).isEmpty();
            assertThat(pool.candidates(null)).as(policy.name()).isEmpty();
        }
    }

    @Test
    void roundRobinCyclesThroughAll() {
        Pool pool = pool(Policy.ROUND_ROBIN, backends(3, 1), 0);
        List<Backend> firsts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<Backend> order = pool.candidates("ignored");
            assertThat(order).containsExactlyInAnyOrderElementsOf(pool.backends());
            firsts.add(order.get(0));
        }
        List<Backend> all = pool.backends();
        assertThat(firsts).containsExactly(all.get(0), all.get(1), all.get(2), all.get(0), all.get(1), all.get(2));
    }

    @Test
    void consistentHashWithoutAKeyRotates() {
        Pool pool = pool(Policy.CONSISTENT_HASH, backends(3, 1), 0);
        assertThat(List.of(pool.candidates(null).get(0), pool.candidates(null).get(0), pool.candidates(null).get(0)))
                .containsExactlyInAnyOrderElementsOf(pool.backends());
    }

    @Test
    void roundRobinHonoursWeightsAndSkipsUnusable() {
        List<Backend> list = List.of(new Backend("a:1", 2), new Backend("b:1", 1), new Backend("c:1", 1));
        Pool pool = pool(Policy.ROUND_ROBIN, list, 0);
        Map<Backend, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            firsts.merge(pool.candidates(null).get(0), 1, Integer::sum);
        }
        assertThat(firsts).containsEntry(list.get(0), 200).containsEntry(list.get(1), 100).containsEntry(list.get(2), 100);
        pool.setDrained(list.get(0), true);
        for (int i = 0; i < 8; i++) {
            assertThat(pool.candidates(null)).hasSize(2).doesNotContain(list.get(0));
        }
    }

    @Test
    void roundRobinKeepsTheUsableBackendsProportionsWhenOneIsOut() {
        List<Backend> list = List.of(new Backend("a:1", 1), new Backend("b:1", 1), new Backend("c:1", 1));
        Pool pool = pool(Policy.ROUND_ROBIN, list, 0);
        pool.setDrained(list.get(1), true);
        Map<Backend, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 300; i++) {
            firsts.merge(pool.candidates(null).get(0), 1, Integer::sum);
        }
        // b's turns are not all handed to its neighbour c: a and c share them evenly
        assertThat(firsts).containsOnlyKeys(list.get(0), list.get(2))
                .containsEntry(list.get(0), 150).containsEntry(list.get(2), 150);
        List<Backend> weighted = List.of(new Backend("a:1", 2), new Backend("b:1", 1), new Backend("c:1", 1));
        Pool other = pool(Policy.ROUND_ROBIN, weighted, 0);
        other.setDrained(weighted.get(0), true);
        firsts.clear();
        for (int i = 0; i < 300; i++) {
            firsts.merge(other.candidates(null).get(0), 1, Integer::sum);
        }
        assertThat(firsts).containsEntry(weighted.get(1), 150).containsEntry(weighted.get(2), 150);
    }

    @Test
    void leastConnectionsPicksTheLeastLoaded() {
        Pool pool = pool(Policy.LEAST_CONNECTIONS, backends(3, 1), 0);
        List<Backend> all = pool.backends();
        pool.acquire(all.get(0));
        pool.acquire(all.get(0));
        pool.acquire(all.get(2));
        assertThat(pool.candidates("k")).containsExactly(all.get(1), all.get(2), all.get(0));
    }

    @Test
    void leastConnectionsSpreadsTies() {
        Pool pool = pool(Policy.LEAST_CONNECTIONS, backends(3, 1), 0);
        List<Backend> firsts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            firsts.add(pool.candidates(null).get(0));
        }
        assertThat(firsts).containsExactlyInAnyOrderElementsOf(pool.backends());
    }

    @Test
    void leastConnectionsCountsPerUnitOfWeight() {
        List<Backend> list = List.of(new Backend("a:1", 2), new Backend("b:1", 1));
        Pool pool = pool(Policy.LEAST_CONNECTIONS, list, 0);
        for (int i = 0; i < 30; i++) {
            pool.acquire(pool.candidates(null).get(0));
        }
        assertThat(pool.open(list.get(0))).isEqualTo(20);
        assertThat(pool.open(list.get(1))).isEqualTo(10);
    }

    @Test
    void rejectsBadConfiguration() {
        List<Backend> dup = List.of(new Backend("a:1"), new Backend("a:1", 2));
        assertThatThrownBy(() -> pool(Policy.ROUND_ROBIN, dup, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool(Policy.ROUND_ROBIN, backends(2, 1), 1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backend("a:1", 0)).isInstanceOf(IllegalArgumentException.class);
        Pool pool = pool(Policy.ROUND_ROBIN, backends(2, 1), 0);
        assertThatThrownBy(() -> pool.acquire(new Backend("elsewhere:1"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void concurrentLeasesBalanceOut() throws InterruptedException {
        Pool pool = pool(Policy.CONSISTENT_HASH, backends(4, 1), 1.5);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 2_000; i++) {
                    try (Lease lease = pool.acquire(pool.candidates("k" + (i % 7)).get(0))) {
                        assertThat(lease.isClosed()).isFalse();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(pool.totalOpen()).isZero();
    }

    private Pool pool(Policy policy, List<Backend> backends, double boundedLoad) {
        return new Pool("test", backends, policy, boundedLoad, Duration.ofSeconds(10), clock::get);
    }
}
