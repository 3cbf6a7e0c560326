package io.switchboard.balance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: sticky consistent hashing in a {@link Pool} of {@code backends} backends. {@code candidates}
 * is what every WebSocket upgrade pays (the backends in the key's order, for failover);
 * {@code owner} is the single best backend (rebalance checks on reload). Keys cycle through 4,096
 * user ids. Run with {@code ./switchboard jmh StickyHashBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StickyHashBench {
    /** Backends in the pool. */
    @Param({"3", "16", "64"})
    public int backends;

    private Pool pool;
    private final String[] keys = new String[4096];
    private int next;

    @Setup
    public void setUp() {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            list.add(new Backend("10.0." + (i / 250) + "." + (i % 250 + 1) + ":8080"));
        }
        pool = new Pool("bench", list, Policy.CONSISTENT_HASH, 0, Duration.ofSeconds(10));
        for (int i = 0; i < keys.length; i++) {
            keys[i] = "user-" + (i * 7919L + 12345);
        }
    }

    @Benchmark
    public List<Backend> candidates() {
        return pool.candidates(keys[next++ & (keys.length - 1)]);
    }

    @Benchmark
    public Backend owner() {
        return pool.owner(keys[next++ & (keys.length - 1)]);
    }
}
