package io.switchboard.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real, independent WebSocket server: {@code ws_backend.py} (Python {@code websockets} 10.x)
 * run by {@code /usr/bin/python3}, listening on 127.0.0.1 and an ephemeral port.
 *
 * <p>It echoes every message and understands a few text commands ({@code /name}, {@code /headers},
 * {@code /path}, {@code /subprotocol}, {@code /extensions}, {@code close:CODE}, {@code drop},
 * {@code pingme}); see the script. For every connection it prints {@code open path=P} and
 * {@code closed path=P code=C reason=R}, where C is the Close code it <em>received</em>
 * (1006 when none came); {@link #awaitClosed} reads those lines. Give each connection a unique
 * query string so its lines can be told apart.
 */
public final class PythonWsBackend implements AutoCloseable {
    /** The interpreter that has the {@code websockets} package (Debian python3-websockets). */
    public static final String PYTHON = "/usr/bin/python3";
    private static final Pattern CLOSED = Pattern.compile("^closed path=(\\S*) code=(\\S+) reason=(.*)$");

    private final String name;
    private final Process process;
    private final OutputLines stdout;
    private final OutputLines stderr;
    private final int port;

    private PythonWsBackend(String name, Process process, OutputLines stdout, OutputLines stderr, int port) {
        this.name = name;
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
        this.port = port;
        // if the test JVM is stopped without the tests' close(), do not leave the child behind
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "kill-" + process.pid()));
    }

    /** Starts a backend called {@code name} without compression support. */
    public static PythonWsBackend start(String name) {
        return start(name, false);
    }

    /**
     * Starts a backend and waits (at most 20 s) until it listens.
     *
     * @param name    what it answers to {@code /name}
     * @param deflate whether it accepts permessage-deflate
     */
    public static PythonWsBackend start(String name, boolean deflate) {
        List<String> cmd = new ArrayList<>(List.of(PYTHON, "-u", resource("ws_backend.py").toString(), name));
        if (deflate) {
            cmd.add("--deflate");
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + cmd, e);
        }
        OutputLines out = new OutputLines(name + " stdout", p.getInputStream());
        OutputLines err = new OutputLines(name + " stderr", p.getErrorStream());
        String ready;
        try {
            ready = out.await(l -> l.startsWith("ready "), Duration.ofSeconds(20));
        } catch (UncheckedIOException e) {
            p.destroyForcibly();
            throw new IllegalStateException("python backend " + name + " did not start; stderr:\n" + err.text(), e);
        }
        return new PythonWsBackend(name, p, out, err, Integer.parseInt(ready.substring("ready ".length()).trim()));
    }

    /** A file from the test resources, as a path on disk. */
    static Path resource(String file) {
        URL url = PythonWsBackend.class.getResource("/" + file);
        if (url == null) {
            throw new IllegalStateException("test resource " + file + " missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The name it answers to {@code /name}. */
    public String name() {
        return name;
    }

    /** Its port. */
    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:PORT}, as written in a pool's backends. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** The backend's stdout lines. */
    public OutputLines stdout() {
        return stdout;
    }

    /** Its stderr so far (Python tracebacks end up here). */
    public String stderrText() {
        return stderr.text();
    }

    /**
     * Waits until the connection whose request path (with query) was {@code pathAndQuery} is over.
     *
     * @return what the backend received as Close
     */
    public Closed awaitClosed(String pathAndQuery, Duration timeout) {
        String line = stdout.await(l -> l.startsWith("closed path=" + pathAndQuery + " "), timeout);
        Matcher m = CLOSED.matcher(line);
        if (!m.matches()) {
            throw new IllegalStateException("unparsable line " + line);
        }
        return new Closed(Integer.parseInt(m.group(2)), m.group(3));
    }

    /** Waits until a connection with request path (with query) {@code pathAndQuery} was opened. */
    public void awaitOpened(String pathAndQuery, Duration timeout) {
        stdout.await(l -> l.equals("open path=" + pathAndQuery), timeout);
    }

    /** How many connections it has accepted so far. */
    public long openedCount() {
        return stdout.snapshot().stream().filter(l -> l.startsWith("open ")).count();
    }

    /** Whether the process still runs. */
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /**
     * The Close the backend received.
     *
     * @param code   the status code (1006: the connection ended without one)
     * @param reason the reason text
     */
    public record Closed(int code, String reason) {
    }
}
