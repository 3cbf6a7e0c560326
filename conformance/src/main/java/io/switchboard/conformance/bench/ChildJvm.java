package io.switchboard.conformance.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.switchboard.conformance.load.Targets;

/**
 * A child JVM on the current class path (same java binary), started for a benchmark, with a
 * helper to wait for the line that says it is ready and to read its resident memory.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final CompletableFuture<String> ready = new CompletableFuture<>();

    private ChildJvm(Process process, String readyPrefix) {
        this.process = process;
        Thread.ofVirtual().start(() -> pump(readyPrefix));
    }

    /** Starts {@code mainClass} with {@code jvmOptions} and {@code args}. */
    static ChildJvm start(List<String> jvmOptions, String mainClass, String readyPrefix, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        return new ChildJvm(pb.start(), readyPrefix);
    }

    private void pump(String readyPrefix) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!ready.isDone() && line.startsWith(readyPrefix)) {
                    ready.complete(line.substring(readyPrefix.length()).trim());
                }
            }
        } catch (IOException e) {
            // the child ended
        }
        ready.completeExceptionally(new IOException("child exited before '" + readyPrefix + "'"));
    }

    /** The rest of the ready line, waiting up to 30 s. */
    String awaitReady() throws Exception {
        return ready.get(30, TimeUnit.SECONDS);
    }

    long pid() {
        return process.pid();
    }

    /** Resident set size in bytes, from /proc (Linux). */
    long rssBytes() throws IOException {
        return Targets.rssBytes(pid());
    }

    /** Runs {@code jcmd PID command...} and returns its output. */
    String jcmd(String... command) throws IOException, InterruptedException {
        return Targets.jcmd(pid(), command);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
