package io.switchboard.conformance.autobahn;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gate's reference server: {@code peers/echo_backend.py} (the same script conformance-peers runs) (Python websockets, not written
 * here) run by {@code /usr/bin/python3}, echoing every message of any size on 127.0.0.1; with
 * {@code deflate} it also accepts permessage-deflate (for sections 12 and 13).
 */
final class EchoBackend implements AutoCloseable {
    /** The interpreter Debian's python3-websockets is installed for. */
    static final String PYTHON = "/usr/bin/python3";

    private final Process process;
    final int port;

    private EchoBackend(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts one without compression and waits (20 s at most) for its "ready PORT" line. */
    static EchoBackend start() throws IOException {
        return start(false);
    }

    /** Starts one, accepting permessage-deflate when {@code deflate}; waits for "ready PORT". */
    static EchoBackend start(boolean deflate) throws IOException {
        Path script;
        try {
            script = Path.of(EchoBackend.class.getResource("/peers/echo_backend.py").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> command = new ArrayList<>(List.of(PYTHON, "-u", script.toString()));
        if (deflate) {
            command.add("--deflate");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Thread watchdog = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(20_000);
                p.destroyForcibly();
            } catch (InterruptedException e) {
                // started in time
            }
        });
        String line = r.readLine();
        watchdog.interrupt();
        if (line == null || !line.startsWith("ready ")) {
            p.destroyForcibly();
            throw new UncheckedIOException(new IOException("echo backend did not start: " + line));
        }
        // keep draining its output so it never blocks on a full pipe
        Thread.ofVirtual().start(() -> r.lines().forEach(l -> { }));
        return new EchoBackend(p, Integer.parseInt(line.substring(6).trim()));
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
