package io.switchboard.conformance.load;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * One timed phase of a benchmark with its CPU accounting: how busy each core was, how much of
 * CPU 0 the proxy itself used, and how much of CPU 1 the generator and the backend used. What is
 * left ({@link #foreign}) was someone else's: on a shared machine a build or a test run can land
 * on the proxy's core and halve its figure, and this is how {@link Bench} notices and repeats.
 *
 * @param cpu0  CPU 0 busy, percent
 * @param cpu1  CPU 1 busy, percent
 * @param proxy the proxy process tree's CPU time over the phase, percent of one core
 * @param load  the generator's (this JVM's) and the backend's CPU time, percent of one core
 */
record Phase<T>(T result, int cpu0, int cpu1, double proxy, double load) {
    static <T> Phase<T> run(Targets.Target proxy, Targets.Target backend, Callable<T> body) throws Exception {
        long p0 = proxy.cpuTicks();
        long l0 = selfTicks() + backend.cpuTicks();
        CpuUse c0 = CpuUse.now();
        long w0 = System.nanoTime();
        T result = body.call();
        double seconds = (System.nanoTime() - w0) / 1e9;
        CpuUse c1 = CpuUse.now();
        long p1 = proxy.cpuTicks();
        long l1 = selfTicks() + backend.cpuTicks();
        // ticks are 1/100 s, so ticks per second is a percentage of one core
        return new Phase<>(result, c1.percentSince(c0, 0), c1.percentSince(c0, 1), (p1 - p0) / seconds, (l1 - l0) / seconds);
    }

    /** The larger of the two cores' busy time that none of the measured processes accounts for. */
    double foreign() {
        return Math.max(cpu0 - proxy, cpu1 - load);
    }

    private static long selfTicks() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
    }
}
