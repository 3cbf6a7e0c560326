package io.switchboard.conformance.proxycases;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.switchboard.conformance.autobahn.CaseResult;
import io.switchboard.conformance.autobahn.CliArgs;
import io.switchboard.conformance.autobahn.Reports;
import io.switchboard.conformance.autobahn.Verdicts;

/**
 * The command line of the proxy behaviour catalogue:
 *
 * <pre>
 *   ProxyCasesMain [--out DIR] [--cases p.1.*,p.6.*] [--exclude p.4.*] [--agent NAME]
 * </pre>
 *
 * It starts its own backends and the Switchboard on its class path ({@code io.switchboard.Main run}
 * with a generated YAML), runs the selected cases, and writes the same report as the Autobahn-style
 * suite ({@code index.json}, {@code index.html}, one JSON per case with a log of what happened).
 * Defaults: all cases, report directory {@code proxy-cases-report}, agent {@code switchboard}.
 *
 * <p>Exit status: 0 when every case is OK, 1 when a case FAILED, 2 on a usage error.
 */
public final class ProxyCasesMain {
    private ProxyCasesMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI; returns the exit status instead of exiting (for tests). */
    public static int run(String[] args) {
        Path out = Path.of("proxy-cases-report");
        List<String> include = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        String agent = "switchboard";
        String mode = "tunnel";
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> {
                        usage();
                        return 0;
                    }
                    case "--out" -> out = Path.of(CliArgs.value(args, ++i, a));
                    case "--cases" -> include.addAll(CliArgs.split(CliArgs.value(args, ++i, a)));
                    case "--exclude" -> exclude.addAll(CliArgs.split(CliArgs.value(args, ++i, a)));
                    case "--agent" -> agent = CliArgs.value(args, ++i, a);
                    case "--mode" -> mode = mode(CliArgs.value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("proxy-cases: " + e.getMessage());
            usage();
            return 2;
        }
        List<ProxyCase> cases = ProxyCatalog.select(include, exclude);
        if (cases.isEmpty()) {
            System.err.println("proxy-cases: no case matches --cases " + include + " --exclude " + exclude);
            return 2;
        }
        List<CaseResult> results = runAndReport(agent, cases, System.getProperty("java.class.path"), out, mode);
        return results.stream().anyMatch(r -> Verdicts.isFailing(r.verdict().behavior())) ? 1 : 0;
    }

    /**
     * Runs {@code cases}, printing one line per case, writes the report into {@code out} and
     * returns the results (also used by the Autobahn CLI's {@code --proxy-cases}).
     */
    public static List<CaseResult> runAndReport(String agent, List<ProxyCase> cases, String classpath, Path out) {
        return runAndReport(agent, cases, classpath, out, "tunnel");
    }

    /** As {@link #runAndReport(String, List, String, Path)} with every route in {@code mode}. */
    public static List<CaseResult> runAndReport(String agent, List<ProxyCase> cases, String classpath, Path out, String mode) {
        System.out.println("== " + agent + " (proxy behaviour catalogue, " + mode + " mode): " + cases.size() + " cases");
        List<CaseResult> results = ProxyCaseRunner.run(agent, cases, classpath, out.resolve("config"), ProxyCasesMain::print,
                mode);
        Reports.write(out, results);
        Reports.summary(results).forEach((a, counts) -> System.out.println("summary " + a + ": " + counts));
        System.out.println("report: " + out.toAbsolutePath().resolve("index.html"));
        return results;
    }

    /** One line per case: id, verdicts, duration, and why when it failed. */
    public static void print(CaseResult r) {
        System.out.printf("%-8s %-7s %-14s %6d ms  %s%n", r.spec().id(), r.verdict().behavior(), r.verdict().behaviorClose(),
                r.outcome().durationMillis(), Verdicts.isFailing(r.verdict().behavior()) ? r.verdict().result() : "");
    }



    private static String mode(String m) {
        if (!m.equals("tunnel") && !m.equals("terminate")) {
            throw new IllegalArgumentException("--mode is tunnel or terminate; got '" + m + "'");
        }
        return m;
    }

    private static void usage() {
        System.err.println("""
                usage: proxy-cases [--out DIR] [--cases p.1.*,p.6.*] [--exclude LIST] [--agent NAME] [--mode M]
                  --out DIR      report directory (default proxy-cases-report): index.html, index.json, one JSON per case
                  --cases LIST   comma-separated case patterns, * matches anything (default: all)
                  --exclude LIST patterns to leave out
                  --agent NAME   the agent name in the report (default switchboard)
                  --mode M       the routes' mode: tunnel (default) or terminate
                Starts its own backends and the Switchboard on the class path, with a generated YAML.
                exit status: 0 every case OK; 1 some case FAILED; 2 usage error.""");
    }
}
