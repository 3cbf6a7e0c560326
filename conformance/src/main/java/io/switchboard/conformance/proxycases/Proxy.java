package io.switchboard.conformance.proxycases;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The proxy under test: the real {@code io.switchboard.Main run FILE} in a child JVM, started the
 * way a user starts it, ready once it prints {@code switchboard listening on http://HOST:PORT}.
 * Its output is drained continuously (the access log alone would fill a pipe under load) and its
 * last lines kept for diagnostics.
 */
public final class Proxy implements AutoCloseable {
    private static final Pattern READY = Pattern.compile("^switchboard listening on http://(\\S+):(\\d+)");
    private static final Pattern ADMIN = Pattern.compile("^switchboard admin on http://(\\S+):(\\d+)");
    private static final int KEEP_LINES = 300;

    private final Process process;
    private final Deque<String> lines = new ArrayDeque<>();
    private final CompletableFuture<Integer> ports = new CompletableFuture<>();
    private volatile int adminPort = -1;

    private Proxy(Process process) {
        this.process = process;
        Thread.ofVirtual().name("proxy-stdout").start(() -> pump(process.getInputStream(), "", true));
        Thread.ofVirtual().name("proxy-stderr").start(() -> pump(process.getErrorStream(), "stderr: ", false));
        // a runner killed mid-case must not leave the child behind
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-proxy-" + process.pid()));
    }

    /**
     * Writes {@code yaml} to {@code dir/name.yaml}, starts {@code java -cp CLASSPATH
     * io.switchboard.Main run FILE} and waits up to {@code timeout} for its READY line.
     *
     * @throws IOException when the proxy exits or stays silent (with its last output)
     */
    public static Proxy start(Path dir, String name, String yaml, String classpath, Duration timeout)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = List.of(java, "-XX:+UseSerialGC", "-cp", classpath, "io.switchboard.Main", "run", file.toString());
        Proxy p = new Proxy(new ProcessBuilder(cmd).start());
        try {
            p.ports.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            p.process.destroyForcibly();
            p.process.waitFor(5, TimeUnit.SECONDS);
            throw new IOException("the proxy did not print its READY line within " + timeout.toSeconds()
                    + " s; config " + file + "; output:\n" + p.recentOutput(), e);
        }
        return p;
    }

    private void pump(InputStream stream, String prefix, boolean stdout) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (stdout) {
                    Matcher a = ADMIN.matcher(line);
                    if (a.find()) {
                        adminPort = Integer.parseInt(a.group(2));
                    }
                    Matcher m = READY.matcher(line);
                    if (m.find()) {
                        ports.complete(Integer.parseInt(m.group(2)));
                    }
                }
                synchronized (lines) {
                    lines.addLast(prefix + line);
                    if (lines.size() > KEEP_LINES) {
                        lines.removeFirst();
                    }
                }
            }
        } catch (IOException e) {
            // the child ended
        }
        ports.completeExceptionally(new IOException("the proxy's output ended"));
    }

    /** The listener's port from the READY line. */
    public int port() {
        return ports.join();
    }

    /**
     * The admin listener's port, from its {@code switchboard admin on} line (printed before the
     * READY line; waited for briefly in case the order changes).
     */
    public int adminPort() throws InterruptedException {
        for (int i = 0; i < 50 && adminPort < 0; i++) {
            Thread.sleep(20);
        }
        if (adminPort < 0) {
            throw new IllegalStateException("the proxy printed no 'switchboard admin on' line");
        }
        return adminPort;
    }

    /** The last lines of output (stdout and, prefixed, stderr). */
    public String recentOutput() {
        synchronized (lines) {
            return String.join("\n", new ArrayList<>(lines));
        }
    }

    /** Output lines so far that contain {@code text}. */
    public List<String> linesContaining(String text) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.contains(text)).toList();
        }
    }

    /** SIGTERM, as Kubernetes sends it; does not wait. */
    public void terminate() {
        process.destroy();
    }

    /** The exit status, or null when still running after {@code timeout}. */
    public Integer awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
    }

    /** Stops the proxy: SIGTERM, then SIGKILL after 8 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(8, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
