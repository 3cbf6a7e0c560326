package io.switchboard.conformance.autobahn;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of the WebSocket conformance suite:
 *
 * <pre>
 *   ConformanceMain --agent NAME --url ws://host:port/path [--agent NAME2 --url wss://...]
 *                   [--cases 1.*,5.*] [--exclude 9.*] [--out DIR] [--proxy-cases p.*]
 * </pre>
 *
 * Each {@code --agent} is paired with the {@code --url} that follows it; all agents run the same
 * cases, one after another, and land side by side in one report. Defaults: every case of the
 * catalogue except sections 9, 12 and 13 (the long ones: ask for them with {@code --cases});
 * report directory {@code conformance-report}. Sections 12 and 13 exercise permessage-deflate
 * (RFC 7692) for real: the fuzzer offers it, compresses what it sends, inflates what comes back
 * and checks every echo (synthetic datasets, see {@link DeflateDatasets}); a server that does not
 * accept the offer gets UNIMPLEMENTED for them. {@code --proxy-cases} adds the proxy behaviour
 * catalogue ({@link io.switchboard.conformance.proxycases.ProxyCatalog}; it starts its own backends
 * and the Switchboard on the class path) to the same report, as agent {@code switchboard}; with it,
 * {@code --url} is optional.
 *
 * <p>Exit status: 0 when no case's {@code behavior} is FAILED; 1 when at least one is; 2 on a usage
 * error. OK, NON-STRICT, INFORMATIONAL and UNIMPLEMENTED pass. The close verdict alone never fails
 * a run: WRONG CODE, UNCLEAN or FAILED BY CLIENT are reported but count only through
 * {@code behavior} (section 7 turns WRONG CODE into a FAILED behavior; a server that fails to close
 * on invalid UTF-8 is FAILED too).
 */
public final class ConformanceMain {
    /** Cases run when {@code --cases} is not given: everything but the long sections. */
    public static final List<String> DEFAULT_EXCLUDE = List.of("9.*", "12.*", "13.*");

    private ConformanceMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI; returns the exit status instead of exiting (for tests). */
    public static int run(String[] args) {
        Map<String, URI> agents = new LinkedHashMap<>();
        List<String> include = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        boolean excludeGiven = false;
        Path outDir = Path.of("conformance-report");
        String pendingAgent = null;
        List<String> proxyCases = null;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "-h", "--help" -> {
                        usage();
                        return 0;
                    }
                    case "--agent" -> pendingAgent = CliArgs.value(args, ++i, a);
                    case "--url" -> {
                        URI url = URI.create(CliArgs.value(args, ++i, a));
                        if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
                            throw new IllegalArgumentException("--url must be ws:// or wss://, got " + url);
                        }
                        String name = pendingAgent != null ? pendingAgent : url.getHost() + ":" + url.getPort();
                        if (agents.putIfAbsent(name, url) != null) {
                            throw new IllegalArgumentException("agent '" + name + "' given twice");
                        }
                        pendingAgent = null;
                    }
                    case "--cases" -> include.addAll(CliArgs.split(CliArgs.value(args, ++i, a)));
                    case "--exclude" -> {
                        exclude.addAll(CliArgs.split(CliArgs.value(args, ++i, a)));
                        excludeGiven = true;
                    }
                    case "--out" -> outDir = Path.of(CliArgs.value(args, ++i, a));
                    case "--proxy-cases" -> proxyCases = CliArgs.split(CliArgs.value(args, ++i, a));
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'");
                }
            }
            if (pendingAgent != null) {
                throw new IllegalArgumentException("--agent " + pendingAgent + " has no --url after it");
            }
            if (agents.isEmpty() && proxyCases == null) {
                throw new IllegalArgumentException("give at least one --url (or --proxy-cases)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("conformance: " + e.getMessage());
            usage();
            return 2;
        }
        if (include.isEmpty() && !excludeGiven) {
            exclude.addAll(DEFAULT_EXCLUDE);
        }
        List<CaseSpec> cases = Catalog.select(include, exclude);
        if (cases.isEmpty() && !agents.isEmpty()) {
            System.err.println("conformance: no case matches --cases " + include + " --exclude " + exclude);
            return 2;
        }
        List<io.switchboard.conformance.proxycases.ProxyCase> proxySelection = proxyCases == null ? List.of()
                : io.switchboard.conformance.proxycases.ProxyCatalog.select(proxyCases, exclude);
        if (proxyCases != null && proxySelection.isEmpty()) {
            System.err.println("conformance: no proxy case matches --proxy-cases " + proxyCases);
            return 2;
        }
        List<CaseResult> all = new ArrayList<>();
        for (Map.Entry<String, URI> agent : agents.entrySet()) {
            System.out.println("== " + agent.getKey() + " (" + agent.getValue() + "): " + cases.size() + " cases");
            all.addAll(SuiteRunner.run(agent.getKey(), agent.getValue(), cases, r -> System.out.printf(
                    "%-8s %-14s %-17s %6d ms  %s%n", r.spec().id(), r.verdict().behavior(), r.verdict().behaviorClose(),
                    r.outcome().durationMillis, r.verdict().behavior().equals(Verdicts.FAILED) ? r.verdict().result() : "")));
        }
        if (!proxySelection.isEmpty()) {
            System.out.println("== switchboard (proxy behaviour catalogue): " + proxySelection.size() + " cases");
            all.addAll(io.switchboard.conformance.proxycases.ProxyCaseRunner.run("switchboard", proxySelection,
                    System.getProperty("java.class.path"), outDir.resolve("config"),
                    io.switchboard.conformance.proxycases.ProxyCasesMain::print));
        }
        Reports.write(outDir, all);
        Reports.summary(all).forEach((a, counts) -> System.out.println("summary " + a + ": " + counts));
        List<String> failed = all.stream().filter(r -> Verdicts.isFailing(r.verdict().behavior()))
                .map(r -> r.agent() + " " + r.spec().id()).toList();
        System.out.println("report: " + outDir.toAbsolutePath().resolve("index.html"));
        if (!failed.isEmpty()) {
            System.out.println("FAILED: " + String.join(", ", failed));
            return 1;
        }
        return 0;
    }



    private static void usage() {
        System.err.println("""
                usage: conformance --agent NAME --url ws://HOST:PORT/PATH [--agent NAME --url ...]
                                   [--cases 1.*,5.*] [--exclude 9.*] [--out DIR]
                  --agent NAME   name of the next --url in the report (default host:port)
                  --url URL      a ws:// or wss:// endpoint that echoes every message; repeatable
                  --cases LIST   comma-separated case patterns, * matches anything (default: all but 9, 12, 13;
                                 12.* and 13.* are the permessage-deflate cases, UNIMPLEMENTED if the server
                                 does not accept the extension)
                  --exclude LIST patterns to leave out
                  --out DIR      report directory (default conformance-report): index.html, index.json, one JSON per case
                  --proxy-cases LIST  also run the proxy behaviour catalogue (e.g. p.*) against the Switchboard on
                                 the class path, as agent switchboard; --url is then optional
                exit status: 0 no case FAILED; 1 some case FAILED; 2 usage error.
                  OK, NON-STRICT, INFORMATIONAL, UNIMPLEMENTED pass; the close verdict alone never fails a run.""");
    }
}
