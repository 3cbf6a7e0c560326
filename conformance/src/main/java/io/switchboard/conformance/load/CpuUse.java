package io.switchboard.conformance.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How busy CPU 0 (the proxy's) and CPU 1 (generator and backend) were between two readings of
 * {@code /proc/stat}. It tells which side limited a figure: a proxy core below 100 % means the
 * proxy was waiting for the load side, not the other way round.
 */
final class CpuUse {
    private final long[] busy = new long[2];
    private final long[] total = new long[2];

    private CpuUse() {
    }

    /** A reading now (zeros where /proc/stat cannot be read). */
    static CpuUse now() {
        CpuUse c = new CpuUse();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            for (String line : lines) {
                for (int cpu = 0; cpu < 2; cpu++) {
                    if (line.startsWith("cpu" + cpu + " ")) {
                        String[] f = line.trim().split("\\s+");
                        long sum = 0;
                        for (int i = 1; i < f.length && i <= 8; i++) { // user..steal; guest is inside user
                            sum += Long.parseLong(f[i]);
                        }
                        long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                        c.total[cpu] = sum;
                        c.busy[cpu] = sum - idle;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: report nothing
        }
        return c;
    }

    /** Busy percentage of {@code cpu} (0 or 1) from {@code before} to this reading. */
    int percentSince(CpuUse before, int cpu) {
        long t = total[cpu] - before.total[cpu];
        return t <= 0 ? 0 : (int) Math.round(100.0 * (busy[cpu] - before.busy[cpu]) / t);
    }
}
