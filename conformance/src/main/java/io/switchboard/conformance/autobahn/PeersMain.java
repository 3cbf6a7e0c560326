package io.switchboard.conformance.autobahn;

import io.switchboard.conformance.load.Targets;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conformance suite through the peers: one strictly conformant echo backend (Python
 * websockets, started with {@value #PYTHON} because that is the interpreter Debian's
 * python3-websockets is installed for), and in front of it HAProxy, nginx (the generated configs
 * of the peer benchmark, {@link Targets}) and Switchboard (one tunnel route, one terminate route).
 * The same cases run against each agent in turn and land in one report, all agents side by side:
 *
 * <pre>
 *   PeersMain [--out DIR] [--cases 1.*,2.*] [--exclude 6.4.*] [--rechecks 3] [--no-install]
 * </pre>
 *
 * Defaults: sections 1-7 and 10 (the gate's sections), report directory
 * {@code conformance-peers-report} (the generated configs and the servers' output go to its
 * {@code setup/} subdirectory). Every case whose behavior or close verdict through an agent differs
 * from direct is re-run, direct and through the agent, {@code --rechecks} times, so a one-off race
 * in the backend can be told from a difference the intermediary causes (see {@link PeerDiffs}).
 *
 * <p>This is a comparison, not a gate: the exit status is 0 whatever the verdicts, 2 when an
 * argument is wrong or something could not start. No test runs it.
 */
public final class PeersMain {
    /** Debian's python3-websockets is installed for this interpreter, not necessarily for the python3 on PATH. */
    static final String PYTHON = "/usr/bin/python3";
    static final List<String> SECTIONS = List.of("1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*");
    /** Path of the terminate route: a prefix, so it must precede the tunnel route on {@code /}. */
    private static final String TERMINATE_PATH = "/terminate";

    private PeersMain() {
    }

    /** Entry point; see the class comment for the options. */
    public static void main(String[] args) {
        int status;
        try {
            status = run(args);
        } catch (Exception e) {
            System.err.println("conformance-peers: " + e);
            status = 2;
        }
        System.exit(status); // the suite's daemon threads and the shutdown hook end the rest
    }

    /** Runs everything; returns the exit status. */
    static int run(String[] args) throws Exception {
        Path out = Path.of("conformance-peers-report");
        List<String> include = new ArrayList<>(SECTIONS);
        List<String> exclude = new ArrayList<>();
        int rechecks = 3;
        boolean install = true;
        boolean casesGiven = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--out" -> out = Path.of(CliArgs.value(args, ++i, a));
                case "--cases" -> {
                    if (!casesGiven) {
                        include.clear();
                        casesGiven = true;
                    }
                    include.addAll(CliArgs.split(CliArgs.value(args, ++i, a)));
                }
                case "--exclude" -> exclude.addAll(CliArgs.split(CliArgs.value(args, ++i, a)));
                case "--rechecks" -> rechecks = Integer.parseInt(CliArgs.value(args, ++i, a));
                case "--no-install" -> install = false;
                case "-h", "--help" -> {
                    System.out.println("usage: conformance-peers [--out DIR] [--cases 1.*,2.*] [--exclude LIST] [--rechecks N] [--no-install]");
                    return 0;
                }
                default -> {
                    System.err.println("conformance-peers: unknown argument '" + a + "' (see --help)");
                    return 2;
                }
            }
        }
        List<CaseSpec> cases = Catalog.select(include, exclude);
        if (cases.isEmpty()) {
            System.err.println("conformance-peers: no case matches --cases " + include + " --exclude " + exclude);
            return 2;
        }

        // absolute: nginx resolves relative paths against its prefix, which is this directory itself
        Path setup = Files.createDirectories(out.resolve("setup").toAbsolutePath());
        List<Targets.Target> started = new ArrayList<>();
        // Ctrl-C or an exception must not leave HAProxy, nginx or a JVM listening behind
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopAll(started)));
        Map<String, URI> agents = new LinkedHashMap<>();
        try {
            if (install) {
                Targets.ensureInstalled();
            }
            Targets.Target backend = pythonEcho(setup);
            started.add(backend);
            List<URI> backends = backend.urls();
            agents.put("direct", backends.get(0));
            // cpu -1: unpinned; the suite measures behaviour, and one shared core would only stretch its timers
            agents.put("haproxy", add(started, Targets.haproxy(setup, backends, -1)).urls().get(0));
            agents.put("nginx", add(started, Targets.nginx(setup, backends, -1)).urls().get(0));
            Targets.Target sb = add(started, Targets.switchboard(setup, switchboardYaml(backends.get(0)), "", -1));
            String base = sb.urls().get(0).toString();
            agents.put("switchboard-tunnel", URI.create(base + "/ws"));
            agents.put("switchboard-terminate", URI.create(base + TERMINATE_PATH + "/ws"));
        } catch (IOException e) {
            System.err.println("conformance-peers: could not start everything: " + e.getMessage() + " (output in " + setup + ")");
            stopAll(started);
            return 2;
        }
        System.out.println("python-websockets " + pythonWebsocketsVersion() + ", HAProxy " + Targets.version("haproxy", "-v")
                + ", nginx " + Targets.version("nginx", "-v") + "; configs and server output in " + setup.toAbsolutePath());

        List<CaseResult> all = new ArrayList<>();
        for (Map.Entry<String, URI> agent : agents.entrySet()) {
            System.out.println("== " + agent.getKey() + " (" + agent.getValue() + "): " + cases.size() + " cases");
            long t0 = System.nanoTime();
            List<CaseResult> results = SuiteRunner.run(agent.getKey(), agent.getValue(), cases, r -> {
                if (!r.verdict().behavior().equals(Verdicts.OK) || !r.verdict().behaviorClose().equals(Verdicts.OK)) {
                    System.out.printf("   %-8s %-14s %-17s %6d ms%n", r.spec().id(), r.verdict().behavior(),
                            r.verdict().behaviorClose(), r.outcome().durationMillis);
                }
            });
            System.out.printf("   %s in %.0f s: %s%n", agent.getKey(), (System.nanoTime() - t0) / 1e9,
                    Reports.summary(results).get(agent.getKey()));
            all.addAll(results);
        }
        Reports.write(out, all);
        List<PeerDiffs.Difference> diffs = PeerDiffs.find(all, "direct", agents, rechecks);
        PeerDiffs.write(out.resolve("differences.txt"), diffs, rechecks);
        stopAll(started);

        System.out.println();
        System.out.print(PeerDiffs.summaryTable(all, diffs));
        System.out.println();
        PeerDiffs.print(diffs);
        System.out.println("report: " + out.toAbsolutePath().resolve("index.html"));
        return 0;
    }

    /**
     * Tunnel on {@code /} and terminate on {@value #TERMINATE_PATH}, both to the one backend;
     * heartbeats off because a ping the proxy sent would be an event no case expects.
     */
    static String switchboardYaml(URI backend) {
        return """
                listen: 127.0.0.1:0
                admin: {listen: 127.0.0.1:0}
                pools:
                  echo:
                    backends: [%s:%d]
                routes:
                  - {path: %s, pool: echo, mode: terminate}
                  - {path: /, pool: echo, mode: tunnel}
                websocket: {heartbeat: off}
                """.formatted(backend.getHost(), backend.getPort(), TERMINATE_PATH);
    }

    /** Starts the Python echo backend from the copy of its script in this jar; waits for "ready PORT". */
    private static Targets.Target pythonEcho(Path dir) throws IOException, InterruptedException {
        Path script = dir.resolve("echo_backend.py");
        try (InputStream in = PeersMain.class.getResourceAsStream("/peers/echo_backend.py")) {
            if (in == null) {
                throw new IOException("missing class-path resource peers/echo_backend.py");
            }
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path log = dir.resolve("echo_backend.out");
        Process p = new ProcessBuilder(PYTHON, "-u", script.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.startsWith("ready ")) {
                    URI url = URI.create("ws://127.0.0.1:" + line.substring(6).trim() + "/ws");
                    return new Targets.Target("python-websockets", List.of(url), p.toHandle(), false);
                }
            }
            if (!p.isAlive()) {
                throw new IOException(PYTHON + " " + script + " exited: " + Files.readString(log).strip());
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IOException("the echo backend printed no 'ready PORT' within 20 s; see " + log);
    }

    private static String pythonWebsocketsVersion() {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import websockets; print(websockets.__version__)")
                    .redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return v;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private static Targets.Target add(List<Targets.Target> started, Targets.Target t) {
        started.add(t);
        return t;
    }

    private static void stopAll(List<Targets.Target> started) {
        synchronized (started) {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            started.clear();
        }
    }


}
