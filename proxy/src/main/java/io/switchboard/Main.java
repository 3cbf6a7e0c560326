package io.switchboard;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Properties;

import io.switchboard.config.ConfigError;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.ProxyConfig;
import io.switchboard.demo.Demo;
import io.switchboard.server.LogSetup;
import io.switchboard.server.Stopper;
import io.switchboard.server.Switchboard;

/**
 * The {@code switchboard} command line.
 *
 * <pre>
 * switchboard run CONFIG.yaml     run the proxy
 * switchboard check CONFIG.yaml   validate a config; print every error; exit 1 when invalid
 * switchboard demo [--listen H:P] [--admin H:P]
 *                                 run in front of three embedded echo backends (default 127.0.0.1:8080)
 * switchboard --help | --version
 * </pre>
 *
 * Exit status: 0 success (for {@code run}: drained cleanly after SIGTERM/SIGINT), 1 invalid config
 * (or, after a drain, connections had to be forced at the deadline), 2 usage error, 3 the proxy
 * could not start.
 */
public final class Main {
    /** Printed once the listener is bound ({@code http://} or {@code https://} follows); tests and scripts wait for it. */
    public static final String READY = "switchboard listening on ";

    private Main() {
    }

    public static void main(String[] args) {
        // the proxy owns its logging (LogSetup): Helidon must not re-read the JUL configuration
        // when its servers start, which would drop the access log's handlers and reset levels
        System.setProperty("io.helidon.logging.config.disabled", "true");
        int status = run(args, System.out, System.err);
        System.exit(status);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        String cmd = args.length == 0 ? "--help" : args[0];
        if (cmd.equals("run") || cmd.equals("demo")) {
            LogSetup.configure();
        }
        return switch (cmd) {
            case "--help", "-h", "help" -> {
                out.print(usage());
                yield 0;
            }
            case "--version", "-V", "version" -> {
                out.println("switchboard " + version());
                yield 0;
            }
            case "check" -> args.length == 2 ? check(Path.of(args[1]), out, err) : usageError(err, "check needs CONFIG.yaml");
            case "run" -> args.length == 2 ? runConfig(Path.of(args[1]), out, err) : usageError(err, "run needs CONFIG.yaml");
            case "demo" -> demo(args, out, err);
            default -> usageError(err, "unknown command '" + cmd + "'");
        };
    }

    private static int check(Path file, PrintStream out, PrintStream err) {
        try {
            ProxyConfig config = ConfigLoader.load(file);
            out.println(file + ": OK (" + config.pools().size() + " pools, " + config.routes().size() + " routes)");
            return 0;
        } catch (ConfigException e) {
            printErrors(e, err);
            return 1;
        }
    }

    private static int runConfig(Path file, PrintStream out, PrintStream err) {
        ProxyConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (ConfigException e) {
            printErrors(e, err);
            return 1;
        }
        return serve(config, file, out, err, null);
    }

    private static int demo(String[] args, PrintStream out, PrintStream err) {
        String listen = Demo.DEFAULT_LISTEN;
        String admin = Demo.DEFAULT_ADMIN;
        for (int i = 1; i < args.length; i += 2) {
            if (i + 1 >= args.length || !(args[i].equals("--listen") || args[i].equals("--admin"))) {
                return usageError(err, "demo takes only [--listen HOST:PORT] [--admin HOST:PORT]");
            }
            if (args[i].equals("--listen")) {
                listen = args[i + 1];
            } else {
                admin = args[i + 1];
            }
        }
        try {
            Demo demo = Demo.start(listen, admin);
            return serve(demo.config(), null, out, err, demo);
        } catch (ConfigException e) {
            printErrors(e, err);
            return 1;
        }
    }

    private static int serve(ProxyConfig config, Path file, PrintStream out, PrintStream err, Demo demo) {
        Switchboard proxy;
        try {
            proxy = Switchboard.start(config, file);
        } catch (RuntimeException e) {
            err.println("switchboard: cannot start on " + config.listen() + " (admin " + config.admin().listen() + "): "
                    + e.getMessage());
            if (demo != null) {
                demo.close();
            }
            return 3;
        }
        Stopper stopper = new Stopper(proxy, demo);
        stopper.installSignalHandlers();
        if (demo != null) {
            out.print(demo.instructions(proxy.port(), proxy.adminPort()));
        }
        if (proxy.loopIo() != null) {
            out.println("switchboard event loop: " + proxy.loopIo().yamlName()); // which sockets loop-io got on this JVM
        }
        out.println("switchboard admin on http://" + config.admin().listen().host() + ":" + proxy.adminPort());
        out.println(READY + (config.tls().isPresent() ? "https://" : "http://") + config.listen().host() + ":" + proxy.port());
        out.flush();
        try {
            return stopper.awaitExit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static void printErrors(ConfigException e, PrintStream err) {
        for (ConfigError error : e.errors()) {
            err.println(error);
        }
        err.println(e.errors().size() + (e.errors().size() == 1 ? " error" : " errors"));
    }

    private static int usageError(PrintStream err, String message) {
        err.println("switchboard: " + message);
        err.print(usage());
        return 2;
    }

    static String usage() {
        return """
                usage: switchboard COMMAND
                  run CONFIG.yaml        run the proxy with this config
                  check CONFIG.yaml      validate a config, print every error (exit 1 when invalid)
                  demo [--listen H:P] [--admin H:P]
                                         run in front of three embedded echo backends
                                         (default 127.0.0.1:8080, admin 127.0.0.1:9901)
                  --help                 this text
                  --version              print the version
                """;
    }

    static String version() {
        Properties p = new Properties();
        try (InputStream in = Main.class.getResourceAsStream("/META-INF/switchboard/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // fall through to "unknown"
        }
        return p.getProperty("version", "unknown");
    }
}
