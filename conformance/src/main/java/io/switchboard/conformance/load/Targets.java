package io.switchboard.conformance.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The things a benchmark talks to, each started as its own process pinned with {@code taskset}:
 * the echo backend, HAProxy, nginx and Switchboard (tunnel or terminate mode), with generated configurations (written into
 * {@code dir}, kept for inspection). All listen on 127.0.0.1; the peers on free ports picked
 * here, Switchboard on an ephemeral port it reports. A {@code cpu} below 0 starts a process
 * unpinned: {@link io.switchboard.conformance.autobahn.PeersMain} reuses these starters for
 * correctness runs, where pinning everything to one core would only stretch timers.
 */
public final class Targets {
    /**
     * The JVM flags Switchboard runs with in the benchmarks: the launcher's and the container's
     * defaults (README, "Running"), so the figures are those of the shipped set-up. They are read
     * from their one source, {@code deploy/jvm.options}, which the proxy jar carries; like the
     * launcher, a flag marked {@code jdk>=N} is passed only to JDK N and later.
     */
    public static final List<String> PROXY_JVM = proxyJvm(Runtime.version().feature());

    private Targets() {
    }

    /** The proxy's default JVM flags for a JDK of feature release {@code jdkFeature}. */
    public static List<String> proxyJvm(int jdkFeature) {
        List<String> flags = new ArrayList<>();
        try (var in = Targets.class.getResourceAsStream("/io/switchboard/jvm.options")) {
            if (in == null) {
                throw new IllegalStateException("io/switchboard/jvm.options is not on the class path (build the proxy)");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] words = line.trim().split("\\s+");
                if (words[0].isEmpty() || words[0].startsWith("#")) {
                    continue;
                }
                if (words.length == 1 || jdkFeature >= Integer.parseInt(words[1].substring("jdk>=".length()))) {
                    flags.add(words[0]);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return List.copyOf(flags);
    }

    /** A started server: its name in the table, where clients connect, and its process (null: none). */
    public record Target(String name, List<URI> urls, ProcessHandle process, boolean jvm) implements AutoCloseable {
        /** Resident memory of the process and its children (nginx: master and worker). */
        long rssBytes() throws IOException {
            long sum = 0;
            for (ProcessHandle p : Stream.concat(Stream.of(process), process.descendants()).toList()) {
                sum += Targets.rssBytes(p.pid());
            }
            return sum;
        }

        /** CPU time (user + system, in clock ticks of 10 ms) of the process and its children so far; 0 when none. */
        long cpuTicks() {
            if (process == null) {
                return 0;
            }
            long sum = 0;
            for (ProcessHandle p : Stream.concat(Stream.of(process), process.descendants()).toList()) {
                try {
                    String stat = Files.readString(Path.of("/proc/" + p.pid() + "/stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14, 15)
                } catch (IOException | RuntimeException e) {
                    // exited meanwhile
                }
            }
            return sum;
        }

        /** Brings memory to a steady state before a reading: {@link #settleJvm} for a JVM, a pause otherwise. */
        void settle() throws IOException, InterruptedException {
            if (jvm) {
                settleJvm(process.pid());
            } else {
                Thread.sleep(500);
            }
        }

        @Override
        public void close() {
            if (process == null) {
                return;
            }
            List<ProcessHandle> children = process.descendants().toList();
            if (jvm) {
                process.destroyForcibly(); // Switchboard would drain for seconds after SIGTERM; nothing here needs that
            } else {
                process.destroy();
            }
            try {
                process.onExit().get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                children.forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        }
    }

    /**
     * Installs HAProxy and nginx from the distribution when either binary is missing
     * ({@code apt-get install -y haproxy nginx}, after an {@code apt-get update} if the first
     * attempt fails). Needs root, as apt-get does.
     */
    public static void ensureInstalled() throws IOException, InterruptedException {
        if (Files.isExecutable(Path.of("/usr/sbin/haproxy")) && Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
            return;
        }
        Bench.log("installing haproxy and nginx (apt-get)");
        if (apt("install", "-y", "haproxy", "nginx") != 0) {
            apt("update");
            if (apt("install", "-y", "haproxy", "nginx") != 0) {
                throw new IOException("apt-get install -y haproxy nginx failed");
            }
        }
    }

    private static int apt(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("apt-get"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
        return pb.start().waitFor();
    }

    /** Starts the fast echo server with {@code backends} ports on {@code cpu}; returns its addresses. */
    static Target echo(Path dir, int backends, int cpu) throws IOException, InterruptedException {
        List<String> cmd = javaCommand(List.of("-XX:+UseSerialGC"), EchoServer.class.getName(), String.valueOf(backends));
        Process p = start(cmd, cpu, dir.resolve("echo.out"));
        String ready = awaitLine(p, dir.resolve("echo.out"), "ready ");
        List<URI> urls = new ArrayList<>();
        for (String a : ready.split(",")) {
            urls.add(URI.create("ws://" + a.trim() + "/ws"));
        }
        return new Target("echo", urls, p.toHandle(), true);
    }

    /** HAProxy 2.x in HTTP mode ({@code timeout tunnel} after the upgrade), one thread, in front of {@code backends}. */
    public static Target haproxy(Path dir, List<URI> backends, int cpu) throws IOException, InterruptedException {
        int port = freePort();
        StringBuilder cfg = new StringBuilder("""
                global
                  nbthread 1
                  maxconn 9000
                defaults
                  mode http
                  maxconn 9000
                  timeout connect 5s
                  timeout client 60s
                  timeout server 60s
                  timeout http-request 10s
                  timeout tunnel 1h
                frontend fe
                  bind 127.0.0.1:%d
                  default_backend echo
                backend echo
                  balance hdr(X-User)
                  hash-type consistent
                """.formatted(port));
        for (int i = 0; i < backends.size(); i++) {
            cfg.append("  server b").append(i + 1).append(' ').append(hostPort(backends.get(i))).append('\n');
        }
        Path file = dir.resolve("haproxy.cfg");
        Files.writeString(file, cfg);
        Process p = startProxy("haproxy", List.of("haproxy", "-db", "-f", file.toString()), cpu, dir.resolve("haproxy.out"));
        awaitPort(p, port);
        return new Target("HAProxy", List.of(URI.create("ws://127.0.0.1:" + port + "/ws")), p.toHandle(), false);
    }

    /** nginx, one worker, proxying the upgrade over HTTP/1.1 to {@code backends}. */
    public static Target nginx(Path dir, List<URI> backends, int cpu) throws IOException, InterruptedException {
        int port = freePort();
        Path prefix = Files.createDirectories(dir.resolve("nginx"));
        StringBuilder servers = new StringBuilder();
        for (URI b : backends) {
            servers.append("    server ").append(hostPort(b)).append(";\n");
        }
        // logs off and temp paths under the prefix: the measured work is the relay, as for HAProxy
        String cfg = """
                worker_processes 1;
                worker_rlimit_nofile 20000;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events { worker_connections 19000; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body;
                  proxy_temp_path %1$s/proxy;
                  fastcgi_temp_path %1$s/fastcgi;
                  uwsgi_temp_path %1$s/uwsgi;
                  scgi_temp_path %1$s/scgi;
                  upstream echo {
                    hash $http_x_user consistent;
                %2$s  }
                  server {
                    listen 127.0.0.1:%3$d;
                    location / {
                      proxy_pass http://echo;
                      proxy_http_version 1.1;
                      proxy_set_header Upgrade $http_upgrade;
                      proxy_set_header Connection "upgrade";
                      proxy_read_timeout 1h;
                      proxy_send_timeout 1h;
                    }
                  }
                }
                """.formatted(prefix, servers, port);
        Path file = prefix.resolve("nginx.conf");
        Files.writeString(file, cfg);
        Process p = startProxy("nginx", List.of("nginx", "-p", prefix.toString(), "-e", prefix.resolve("error.log").toString(),
                "-c", file.toString()), cpu, dir.resolve("nginx.out"));
        awaitPort(p, port);
        return new Target("nginx", List.of(URI.create("ws://127.0.0.1:" + port + "/ws")), p.toHandle(), false);
    }

    /**
     * Switchboard with one route on {@code /}, a consistent-hash pool on {@code header:X-User},
     * heartbeats off (as HAProxy and nginx send none) and no access log (as nginx's
     * {@code access_log off} and HAProxy without {@code log}): {@code mode} {@code tunnel} or
     * {@code terminate}; a {@code deflate} section when {@code deflate} is not null (terminate only);
     * {@code loopIo} the {@code loop-io} ({@code native}, the default, or {@code nio}).
     *
     * @param stem file names in {@code dir}: {@code STEM-config/STEM.yaml}, {@code STEM.out}
     */
    static Target switchboard(Path dir, List<URI> backends, int cpu, String mode, String deflate, String loopIo,
                              String name, String stem) throws IOException, InterruptedException {
        List<String> addresses = backends.stream().map(Targets::hostPort).toList();
        String cfg = """
                listen: 127.0.0.1:0
                loop-io: %s
                admin: {listen: 127.0.0.1:0}
                pools:
                  echo:
                    backends: [%s]
                    balance: consistent-hash
                    hash-key: header:X-User
                routes:
                  - path: /
                    pool: echo
                    mode: %s
                %swebsocket: {heartbeat: off}
                log: {access: off}
                """.formatted(loopIo, String.join(", ", addresses), mode, deflate == null ? "" : "    deflate: " + deflate + "\n");
        return switchboard(dir, cfg, "/ws", cpu, name, stem);
    }

    /**
     * Switchboard ({@code io.switchboard.Main run}) with the given YAML, written to
     * {@code dir/switchboard-config/switchboard.yaml}; the target's one URL is the listener plus {@code path}.
     */
    public static Target switchboard(Path dir, String cfg, String path, int cpu) throws IOException, InterruptedException {
        return switchboard(dir, cfg, path, cpu, "Switchboard", "switchboard");
    }

    /** As above, named {@code name}, with its files at {@code dir/STEM-config/STEM.yaml} and {@code dir/STEM.out}. */
    static Target switchboard(Path dir, String cfg, String path, int cpu, String name, String stem)
            throws IOException, InterruptedException {
        // the proxy watches its config file's directory: the access log written beside it would wake
        // that watcher for every line, so the YAML gets a directory of its own
        Path file = Files.createDirectories(dir.resolve(stem + "-config")).resolve(stem + ".yaml");
        Files.writeString(file, cfg);
        List<String> cmd = javaCommand(PROXY_JVM, "io.switchboard.Main", "run", file.toString());
        // stdout (the access log, a line per WebSocket) goes to a file: a pump thread would run on the generator's core
        Process p = startProxy(stem, cmd, cpu, dir.resolve(stem + ".out"));
        String ready = awaitLine(p, dir.resolve(stem + ".out"), "switchboard listening on http://");
        return new Target(name, List.of(URI.create("ws://" + ready.trim() + path)), p.toHandle(), true);
    }

    /** The version line a peer prints, for the table's header (e.g. "HAProxy 2.6.12"). */
    public static String version(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            var m = java.util.regex.Pattern.compile("(\\d+\\.\\d+\\.\\d+)").matcher(out);
            return m.find() ? m.group(1) : "?";
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    public static long rssBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    /**
     * Brings a JVM's resident memory to what it holds for its live state, so that a reading is not
     * a moment's spike: two full GCs (garbage does not count), then up to 10 s for the JIT to finish
     * the compiles under way (a C2 compile holds arena memory of several MB while it runs: one
     * reading taken during one was 21 MB higher), then the C heap trimmed ({@code malloc_trim}),
     * which the shipped JVM options do every few seconds anyway ({@code TrimNativeHeapInterval}),
     * then half a second for the OS's accounting to follow.
     */
    public static void settleJvm(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        jcmd(pid, "GC.run");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!compilerIdle(jcmd(pid, "Compiler.queue")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        jcmd(pid, "System.trim_native_heap");
        Thread.sleep(500);
    }

    /**
     * Whether {@code jcmd Compiler.queue} shows no compile under way or queued: besides its
     * headers (lines ending in a colon) it prints one line per compile, or "Empty" for a queue.
     */
    static boolean compilerIdle(String queue) {
        return queue.lines().map(String::strip)
                .allMatch(l -> l.isEmpty() || l.endsWith(":") || l.equals("Empty"));
    }

    /** Runs {@code jcmd PID command...}; returns its output. */
    public static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private static List<String> javaCommand(List<String> jvmOptions, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Process start(List<String> cmd, int cpu, Path output) throws IOException {
        return launch(pinned(cmd, cpu), output);
    }

    /** A proxy: as {@link #start}, in a cpu cgroup named {@code name} under {@code bench --proxy-quota}. */
    private static Process startProxy(String name, List<String> cmd, int cpu, Path output) throws IOException {
        return launch(CpuQuota.wrap(name, pinned(cmd, cpu)), output);
    }

    private static List<String> pinned(List<String> cmd, int cpu) {
        List<String> pinned = cpu < 0 ? new ArrayList<>() : new ArrayList<>(List.of("taskset", "-c", String.valueOf(cpu)));
        pinned.addAll(cmd);
        return pinned;
    }

    private static Process launch(List<String> cmd, Path output) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /** Polls {@code output} for a line starting with {@code prefix}; returns the rest of it. */
    private static String awaitLine(Process p, Path output, String prefix) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(output)) {
                for (String line : Files.readAllLines(output, StandardCharsets.ISO_8859_1)) {
                    if (line.startsWith(prefix)) {
                        return line.substring(prefix.length());
                    }
                }
            }
            if (!p.isAlive()) {
                throw new IOException(p.info().command().orElse("process") + " exited; see " + output);
            }
            Thread.sleep(100);
        }
        throw new IOException("no '" + prefix + "' in " + output + " within 60 s");
    }

    private static void awaitPort(Process p, int port) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                return;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IOException("exited before listening on " + port + ": " + p.info().commandLine().orElse(""));
                }
                Thread.sleep(100);
            }
        }
        throw new IOException("nothing listens on " + port + " after 30 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String hostPort(URI u) {
        return u.getHost() + ":" + u.getPort();
    }
}
