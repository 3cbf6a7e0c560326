package io.switchboard.conformance.autobahn;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.conformance.ProxyProcess;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The CI gate: sections 1-7 and 10 run against a strictly conformant reference server (Python
 * websockets) directly, and through the real proxy (tunnel mode, a consistent-hash pool of two
 * such servers), in the same run. The tunnel must be invisible: every case must get the same
 * {@code behavior} both ways, and no case may be FAILED through the proxy. A few cases race
 * inside the reference server itself (see {@link #isRaceProne}); when one of those differs
 * between two passing outcomes, the pair is re-run up to {@value #RERUNS} times and the
 * difference counts only if the proxy never gives an outcome the server gives directly (see
 * {@link #reproduces}). Any other difference counts at once. The report of both
 * agents, side by side, is written to {@code target/autobahn-report/}.
 *
 * <p>A second gate covers permessage-deflate (sections 12 and 13) on a budget: the four smallest
 * message sizes of every subsection, against the same reference server with compression on,
 * directly and through the tunnel; every case must be OK both ways, with compressed traffic in
 * both directions. Report in {@code target/autobahn-deflate-report/}.
 */
@Timeout(600)
class AutobahnGateTest {
    static final List<String> GATE_SECTIONS = List.of("1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*");
    static final String DIRECT = "python-websockets-direct";
    static final String PROXY = "switchboard-tunnel";
    static final int RERUNS = 10;
    /** 12.x.1-4 and 13.x.1-4: 1000 round trips of 16, 64, 256 and 1024 bytes (or characters). */
    static final List<String> DEFLATE_SUBSET = List.of("12.*.1", "12.*.2", "12.*.3", "12.*.4",
            "13.*.1", "13.*.2", "13.*.3", "13.*.4");

    @Test
    void tunnelIsInvisibleToTheConformanceSuite() throws Exception {
        List<CaseSpec> cases = Catalog.select(GATE_SECTIONS, List.of());
        assertThat(cases).hasSize(247);
        try (EchoBackend a = EchoBackend.start(); EchoBackend b = EchoBackend.start();
             ProxyProcess proxy = ProxyProcess.run("""
                     listen: 127.0.0.1:0
                     pools:
                       echo:
                         backends: [%s, %s]
                         balance: consistent-hash
                         hash-key: ip
                     routes:
                       - path: /
                         pool: echo
                         mode: tunnel
                     """.formatted(a.address(), b.address()))) {
            long t0 = System.nanoTime();
            List<CaseResult> direct = SuiteRunner.run(DIRECT, URI.create("ws://" + a.address() + "/"), cases, r -> { });
            long t1 = System.nanoTime();
            List<CaseResult> proxied = SuiteRunner.run(PROXY, proxy.ws("/autobahn"), cases, r -> { });
            long t2 = System.nanoTime();
            List<CaseResult> all = new ArrayList<>(direct);
            all.addAll(proxied);
            Path out = Path.of("target", "autobahn-report");
            Reports.write(out, all);

            Map<String, String> differences = new TreeMap<>(CaseIds.ORDER);
            URI directUrl = URI.create("ws://" + a.address() + "/");
            URI proxyUrl = proxy.ws("/autobahn");
            for (int i = 0; i < cases.size(); i++) {
                CaseResult d = direct.get(i);
                CaseResult p = proxied.get(i);
                String db = d.verdict().behavior();
                String pb = p.verdict().behavior();
                if (db.equals(pb)) {
                    continue;
                }
                String why = "direct " + db + " / proxy " + pb + ": " + p.verdict().result() + "; close "
                        + p.verdict().behaviorClose() + " " + p.verdict().resultClose();
                if (isRaceProne(d.spec(), db, pb) && !reproduces(d.spec(), directUrl, proxyUrl)) {
                    System.out.println("autobahn gate: " + d.spec().id() + " differed once (" + why
                            + ") but not in a re-run: a race inside the reference server, not a tunnel difference");
                } else {
                    differences.put(d.spec().id(), why);
                }
            }
            List<String> failedThroughProxy = proxied.stream().filter(r -> Verdicts.isFailing(r.verdict().behavior()))
                    .map(r -> r.spec().id() + " (" + r.verdict().result() + ")").toList();
            System.out.printf("autobahn gate: direct %s in %.1f s; proxy %s in %.1f s; report %s%n",
                    Reports.summary(direct).get(DIRECT), (t1 - t0) / 1e9,
                    Reports.summary(proxied).get(PROXY), (t2 - t1) / 1e9, out.toAbsolutePath().resolve("index.html"));
            closeDifferences(direct, proxied);

            assertThat(differences).as("cases whose behavior differs through the proxy").isEmpty();
            assertThat(failedThroughProxy).as("cases FAILED through the proxy").isEmpty();
        }
    }

    @Test
    void compressionCasesPassDirectlyAndThroughTheTunnel() throws Exception {
        List<CaseSpec> cases = Catalog.select(DEFLATE_SUBSET, List.of());
        assertThat(cases).hasSize(12 * 4);
        try (EchoBackend backend = EchoBackend.start(true);
             ProxyProcess proxy = ProxyProcess.run("""
                     listen: 127.0.0.1:0
                     pools:
                       echo: {backends: [%s]}
                     routes:
                       - {path: /, pool: echo, mode: tunnel}
                     """.formatted(backend.address()))) {
            long t0 = System.nanoTime();
            List<CaseResult> all = new ArrayList<>(SuiteRunner.run(DIRECT, URI.create("ws://" + backend.address() + "/"), cases, r -> { }));
            long t1 = System.nanoTime();
            all.addAll(SuiteRunner.run(PROXY, proxy.ws("/autobahn"), cases, r -> { }));
            long t2 = System.nanoTime();
            Path out = Path.of("target", "autobahn-deflate-report");
            Reports.write(out, all);
            System.out.printf("autobahn deflate gate: direct %.1f s, proxy %.1f s, %s; report %s%n", (t1 - t0) / 1e9,
                    (t2 - t1) / 1e9, Reports.summary(all), out.toAbsolutePath().resolve("index.html"));

            List<String> notOk = all.stream()
                    .filter(r -> !r.verdict().behavior().equals(Verdicts.OK) || !r.verdict().behaviorClose().equals(Verdicts.OK))
                    .map(r -> r.agent() + " " + r.spec().id() + ": " + r.verdict().behavior() + " (" + r.verdict().result()
                            + "), close " + r.verdict().behaviorClose()).toList();
            assertThat(notOk).as("compression cases not OK").isEmpty();
            // OK must mean compressed both ways: the reference server compresses every message, and
            // the fuzzer compresses every message its agreed window allows (all of these sizes)
            List<String> uncompressed = all.stream()
                    .filter(r -> r.outcome().traffic == null || r.outcome().traffic.in.compressed != 1000
                            || r.outcome().traffic.out.compressed != 1000)
                    .map(r -> r.agent() + " " + r.spec().id()).toList();
            assertThat(uncompressed).as("cases without compressed traffic both ways").isEmpty();
        }
    }

    /**
     * True when both behaviors are expected outcomes of a case that has several (OK and
     * NON-STRICT): 3.2-3.4, 4.1.3-4.2.5, 5.15 and 6.4.x. Whether the reference server echoes the
     * valid message before failing on the invalid frame that came in the same read is a race
     * inside the server itself: its direct verdict changes from run to run.
     */
    private static boolean isRaceProne(CaseSpec spec, String a, String b) {
        return spec.expected().size() > 1 && spec.expected().containsKey(a) && spec.expected().containsKey(b);
    }

    /**
     * Re-runs the case directly and through the proxy, in pairs, up to {@value #RERUNS} times; the
     * difference reproduces only when no outcome the proxy gave is one the reference server gave
     * in any run. A tunnel that changes the outcome systematically is caught; a race inside the
     * reference server (case 3.4 comes out either way directly, about half the time each) is not
     * reported as a tunnel difference. Comparing run by run instead failed about one gate in a
     * hundred on such a case: six pairs in a row disagreed by chance.
     */
    private static boolean reproduces(CaseSpec spec, URI direct, URI proxied) {
        Set<String> directly = new HashSet<>();
        Set<String> throughProxy = new HashSet<>();
        for (int i = 0; i < RERUNS; i++) {
            directly.add(Verdicts.judge(spec, Fuzzer.run(direct, spec)).behavior());
            throughProxy.add(Verdicts.judge(spec, Fuzzer.run(proxied, spec)).behavior());
            if (!Collections.disjoint(directly, throughProxy)) {
                return false;
            }
        }
        return true;
    }

    /** Close verdicts are not gated, but a difference is printed so a regression is visible. */
    private static void closeDifferences(List<CaseResult> direct, List<CaseResult> proxied) {
        for (int i = 0; i < direct.size(); i++) {
            Verdicts.Verdict d = direct.get(i).verdict();
            Verdicts.Verdict p = proxied.get(i).verdict();
            if (!d.behaviorClose().equals(p.behaviorClose())) {
                System.out.println("autobahn gate: close verdict of " + direct.get(i).spec().id() + " differs: direct "
                        + d.behaviorClose() + ", proxy " + p.behaviorClose() + " (" + p.resultClose() + ")");
            }
        }
    }
}
