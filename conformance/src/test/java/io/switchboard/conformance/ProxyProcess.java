package io.switchboard.conformance;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code io.switchboard.Main} in a child JVM, driven the way a user drives it: a YAML
 * file on disk, {@code run FILE}, the READY line on stdout, the access log on stdout.
 *
 * <p>The child uses the same {@code java} binary and the test classpath. {@link #close()} stops it
 * (SIGTERM, then SIGKILL if it lingers) and waits for it.
 */
public final class ProxyProcess implements AutoCloseable {
    /** The line prefix the proxy prints once it listens. */
    public static final String READY = "switchboard listening on ";
    private static final Pattern READY_LINE = Pattern.compile("^switchboard listening on https?://(\\S+):(\\d+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final OutputLines stdout;
    private final OutputLines stderr;
    private final String host;
    private final int port;

    private ProxyProcess(Process process, OutputLines stdout, OutputLines stderr, String host, int port) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.host = host;
        this.port = port;
        // if the test JVM is stopped without the tests' close(), do not leave the child behind
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-" + process.pid()));
    }

    /**
     * Writes {@code yaml} to a temp file and starts {@code Main run FILE}; returns once the READY
     * line was printed.
     *
     * @throws IllegalStateException when the proxy exits or stays silent for 20 s (with its output)
     */
    public static ProxyProcess run(String yaml) {
        return start("run", writeConfig(withTestDefaults(yaml)).toString());
    }

    /**
     * Test defaults unless the YAML sets them: the admin listener on a free port (several proxies
     * may run at once) and an immediate drain, so stopping a proxy after a test takes no time.
     */
    static String withTestDefaults(String yaml) {
        String out = yaml.endsWith("\n") ? yaml : yaml + "\n";
        if (!out.contains("\nadmin:") && !out.startsWith("admin:")) {
            out += "admin: {listen: 127.0.0.1:0}\n";
        }
        if (!out.contains("\ndrain:") && !out.startsWith("drain:")) {
            out += "drain: {delay: 0s, spread: 0s, deadline: 2s}\n";
        }
        return out;
    }

    /**
     * Starts {@code Main} with {@code args} (e.g. {@code demo --listen 127.0.0.1:0}) and returns once
     * the READY line was printed.
     */
    public static ProxyProcess start(String... args) {
        Process p = launch(args);
        OutputLines out = new OutputLines("proxy stdout", p.getInputStream());
        OutputLines err = new OutputLines("proxy stderr", p.getErrorStream());
        String ready;
        try {
            ready = out.await(l -> l.startsWith(READY), START_TIMEOUT);
        } catch (UncheckedIOException e) {
            p.destroyForcibly();
            throw new IllegalStateException("proxy did not print its READY line; stdout:\n" + out.text()
                    + "\nstderr:\n" + err.text(), e);
        }
        Matcher m = READY_LINE.matcher(ready);
        if (!m.find()) {
            p.destroyForcibly();
            throw new IllegalStateException("unparsable READY line: " + ready);
        }
        return new ProxyProcess(p, out, err, m.group(1), Integer.parseInt(m.group(2)));
    }

    /**
     * Runs {@code Main} with {@code args} to completion (at most 60 s).
     *
     * @return exit code and both output streams
     */
    public static Result exec(String... args) {
        Process p = launch(args);
        OutputLines out = new OutputLines("stdout", p.getInputStream());
        OutputLines err = new OutputLines("stderr", p.getErrorStream());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("Main " + String.join(" ", args) + " did not exit within 60 s");
            }
            // let the readers drain to EOF
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((!out.ended() || !err.ended()) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new IllegalStateException(e);
        }
        return new Result(p.exitValue(), out.text(), err.text());
    }

    /** Runs {@code Main check FILE} to completion. */
    public static Result check(Path file) {
        return exec("check", file.toString());
    }

    /** Writes {@code yaml} to a fresh temp file and returns its path. */
    public static Path writeConfig(String yaml) {
        try {
            Path file = Files.createTempFile("switchboard-", ".yaml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Like {@link #run(String)}, with extra JVM options for the proxy (e.g. a hosts file for DNS tests). */
    public static ProxyProcess runWithJvmOptions(List<String> jvmOptions, String yaml) {
        return runWith(jvmOptions, List.of(), yaml);
    }

    /**
     * Like {@link #run(String)}, with extra JVM options and extra class path entries for the proxy
     * (e.g. a directory whose {@code META-INF/services} installs a test's name resolver in that
     * process only).
     */
    public static ProxyProcess runWith(List<String> jvmOptions, List<Path> classpath, String yaml) {
        LAUNCH.set(new Launch(jvmOptions, classpath));
        try {
            return run(yaml);
        } finally {
            LAUNCH.remove();
        }
    }

    /** What the next launch on this thread adds to the default command. */
    private record Launch(List<String> jvmOptions, List<Path> classpath) {
    }

    private static final ThreadLocal<Launch> LAUNCH = ThreadLocal.withInitial(() -> new Launch(List.of(), List.of()));

    private static Process launch(String... args) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java));
        Launch launch = LAUNCH.get();
        cmd.addAll(launch.jvmOptions());
        if (Runtime.version().feature() >= 22) {
            cmd.add("--enable-native-access=ALL-UNNAMED"); // loop-io: native (the jar's manifest says the same)
        }
        StringBuilder cp = new StringBuilder(classpath());
        launch.classpath().forEach(entry -> cp.append(File.pathSeparatorChar).append(entry));
        cmd.addAll(List.of("-cp", cp.toString(), "io.switchboard.Main"));
        cmd.addAll(List.of(args));
        try {
            return new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
    }

    /**
     * The test classpath. Surefire may run tests from a manifest-only jar, in which case
     * {@code surefire.test.class.path} holds the real entries.
     */
    private static String classpath() {
        String surefire = System.getProperty("surefire.test.class.path");
        return surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
    }

    /** The host from the READY line. */
    public String host() {
        return host;
    }

    /** The bound port from the READY line. */
    public int port() {
        return port;
    }

    /** {@code ws://127.0.0.1:PORT} + {@code pathAndQuery}. */
    public URI ws(String pathAndQuery) {
        return URI.create("ws://127.0.0.1:" + port + pathAndQuery);
    }

    /** {@code http://127.0.0.1:PORT} + {@code pathAndQuery}. */
    public URI http(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + port + pathAndQuery);
    }

    /** Every stdout line so far. */
    public List<String> lines() {
        return stdout.snapshot();
    }

    /** The stdout reader, for waits that start at a given line index. */
    public OutputLines stdout() {
        return stdout;
    }

    /** Waits for a stdout line. */
    public String awaitLine(Predicate<String> match, Duration timeout) {
        return stdout.await(match, timeout);
    }

    /** Everything on stderr so far. */
    public String stderrText() {
        return stderr.text();
    }

    /** The OS process id (for /proc inspections). */
    public long pid() {
        return process.pid();
    }

    /**
     * Sends SIGTERM (as Kubernetes does) without waiting. Through the process handle: unlike
     * {@link Process#destroy()}, that does not also close our end of the child's output pipes, so
     * what the proxy logs while it drains is still read.
     */
    public void terminate() {
        process.toHandle().destroy();
    }

    /** Waits for the process to exit; returns its status, or -1 if it is still running at the timeout. */
    public int awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The admin listener's port (from the {@code switchboard admin on} line). */
    public int adminPort() {
        String line = stdout().await(l -> l.startsWith("switchboard admin on http://"), Duration.ofSeconds(5));
        return Integer.parseInt(line.substring(line.lastIndexOf(':') + 1).trim());
    }

    /** Whether the proxy is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The outcome of a command that runs to completion. */
    public record Result(int exitCode, String stdout, String stderr) {
    }
}
