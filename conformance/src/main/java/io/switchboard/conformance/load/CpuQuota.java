package io.switchboard.conformance.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bench --proxy-quota P}: every proxy runs in a cpu cgroup of its own, limited to P % of one
 * core (cgroup v2 {@code cpu.max}, or v1 {@code cpu.cfs_quota_us}). Without it the generator's
 * core is often the limit (the busy rows show CPU 1 at 97–99 %), so rate ratios crowd toward 1.0x
 * and a proxy's extra CPU per message barely shows; with every proxy held under that limit, the
 * proxy is the bottleneck in every column and its rate says how much work it does per message.
 * Needs a writable cgroup file system (root, or a delegated subtree); the groups are removed at
 * the end (once empty).
 */
final class CpuQuota {
    private static final Path V2 = Path.of("/sys/fs/cgroup");
    private static final Path V1 = Path.of("/sys/fs/cgroup/cpu");
    private static final long PERIOD_US = 100_000;
    private static final List<Path> MADE = new ArrayList<>();
    private static int percent;

    private CpuQuota() {
    }

    /** Sets the quota for proxies started from now on; 0 turns it off. */
    static void set(int percentOfOneCore) {
        if (percentOfOneCore < 0 || percentOfOneCore > 100) {
            throw new IllegalArgumentException("--proxy-quota takes 1..100 (% of one core); got " + percentOfOneCore);
        }
        percent = percentOfOneCore;
    }

    static int percent() {
        return percent;
    }

    /**
     * {@code cmd} started inside a new cgroup named {@code name} when a quota is set (a shell puts
     * itself in the group, then execs the command, so every process it forks is inside too), else
     * {@code cmd} unchanged.
     */
    static List<String> wrap(String name, List<String> cmd) throws IOException {
        if (percent == 0) {
            return cmd;
        }
        Path group = create("switchboard-bench-" + name.replaceAll("[^A-Za-z0-9-]", "-"));
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", "echo $$ > '" + group.resolve("cgroup.procs")
                + "' && exec \"$@\"", "sh"));
        wrapped.addAll(cmd);
        return wrapped;
    }

    private static Path create(String name) throws IOException {
        long quota = PERIOD_US * percent / 100;
        try {
            if (Files.exists(V2.resolve("cgroup.controllers"))) {
                Path group = Files.createDirectories(V2.resolve(name));
                Files.writeString(group.resolve("cpu.max"), quota + " " + PERIOD_US);
                return remember(group);
            }
            Path group = Files.createDirectories(V1.resolve(name));
            Files.writeString(group.resolve("cpu.cfs_period_us"), String.valueOf(PERIOD_US));
            Files.writeString(group.resolve("cpu.cfs_quota_us"), String.valueOf(quota));
            return remember(group);
        } catch (IOException e) {
            throw new IOException("--proxy-quota needs a writable cpu cgroup (" + V2 + " v2 with the cpu controller, or "
                    + V1 + " v1); " + e, e);
        }
    }

    private static synchronized Path remember(Path group) {
        MADE.add(group);
        return group;
    }

    /** Removes the groups made (each must be empty: call after the proxies stopped). */
    static synchronized void removeAll() {
        for (Path group : MADE) {
            for (int attempt = 0; ; attempt++) { // a process just killed may take a moment to leave the group
                try {
                    Files.deleteIfExists(group); // rmdir: a cgroup's files go with it
                    break;
                } catch (IOException e) {
                    if (attempt == 20) {
                        System.err.println("bench: could not remove " + group + ": " + e.getMessage());
                        break;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
        MADE.clear();
    }
}
