package io.switchboard.conformance.autobahn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.switchboard.conformance.ProxyProcess;
import org.junit.jupiter.api.Test;

/**
 * Terminate mode provides the conformance: sections 1–7 and 10 through Switchboard in terminate
 * mode, in front of a deliberately lax backend (it never checks UTF-8 and answers every Close with
 * 1000), are OK or INFORMATIONAL on every case, while the same backend alone FAILs 87 of them. The
 * report, both agents side by side, goes to {@code target/autobahn-terminate-report/}.
 */
class TerminateConformanceTest {
    @Test
    void terminateModeIsConformantInFrontOfALaxBackend() throws Exception {
        List<CaseSpec> cases = Catalog.select(AutobahnGateTest.GATE_SECTIONS, List.of());
        try (LaxBackend lax = new LaxBackend();
             ProxyProcess proxy = terminateProxy("127.0.0.1:" + lax.port(), "")) {
            List<CaseResult> alone = SuiteRunner.run("lax-backend", URI.create("ws://127.0.0.1:" + lax.port() + "/"), cases, r -> { });
            List<CaseResult> terminated = SuiteRunner.run("switchboard-terminate", proxy.ws("/"), cases, r -> { });
            List<CaseResult> all = new ArrayList<>(alone);
            all.addAll(terminated);
            Reports.write(Path.of("target", "autobahn-terminate-report"), all);
            Map<String, Map<String, Integer>> summary = Reports.summary(all);
            System.out.println("terminate mode in front of a lax backend: " + summary);
            assertThat(alone.stream().filter(r -> Verdicts.isFailing(r.verdict().behavior())).count())
                    .as("the backend alone is lax").isGreaterThan(50);
            List<String> notOk = terminated.stream()
                    .filter(r -> !Set.of("OK", "INFORMATIONAL").contains(r.verdict().behavior())
                            || !Set.of("OK", "INFORMATIONAL").contains(r.verdict().behaviorClose()))
                    .map(r -> r.spec().id() + "=" + r.verdict().behavior() + "/" + r.verdict().behaviorClose())
                    .toList();
            // the close verdict counts too: an empty Close must be answered at once (2.1, 7.3.1)
            assertThat(notOk).as("cases whose behavior or close is not OK/INFORMATIONAL through terminate mode").isEmpty();
        }
    }

    /**
     * Compression offload: terminate mode negotiates permessage-deflate with the fuzzer while the
     * lax backend (which knows no extension) gets plain messages, and the bounded 12–13 subset of
     * the gate is OK through it, with compressed messages both ways on the client's leg.
     */
    @Test
    void compressionCasesAreOkThroughTerminateModeInFrontOfAPlainBackend() throws Exception {
        List<CaseSpec> cases = Catalog.select(AutobahnGateTest.DEFLATE_SUBSET, List.of());
        try (LaxBackend lax = new LaxBackend();
             ProxyProcess proxy = terminateProxy("127.0.0.1:" + lax.port(), ", deflate: {client: true, min-size: 0}")) {
            List<CaseResult> terminated = SuiteRunner.run("switchboard-terminate-deflate", proxy.ws("/"), cases, r -> { });
            Reports.write(Path.of("target", "autobahn-terminate-deflate-report"), terminated);
            System.out.println("compression through terminate mode: " + Reports.summary(terminated));
            List<String> notOk = terminated.stream()
                    .filter(r -> !r.verdict().behavior().equals("OK") || !r.verdict().behaviorClose().equals("OK"))
                    .map(r -> r.spec().id() + "=" + r.verdict().behavior() + "/" + r.verdict().behaviorClose()
                            + " " + r.verdict().result())
                    .toList();
            assertThat(terminated).hasSize(cases.size());
            assertThat(notOk).as("compression cases not OK through terminate mode").isEmpty();
        }
    }

    /**
     * Section 9 (limits and performance: single frames up to 16 MiB, 4 MiB in fragments, 1 MiB in
     * small TCP chops, 1000 sequential round trips) through terminate mode, in front of the
     * benchmark's echo mirror (it validates nothing): every case OK within its time budget, the
     * proxy relaying fragment by fragment without holding a message whole.
     */
    @Test
    void limitsAndPerformanceCasesAreOkThroughTerminateMode() throws Exception {
        List<CaseSpec> cases = Catalog.select(List.of("9.*"), List.of());
        String mirror = io.switchboard.conformance.load.EchoServer.startInProcess(1).get(0);
        try (ProxyProcess proxy = terminateProxy(mirror, "")) {
            List<CaseResult> terminated = SuiteRunner.run("switchboard-terminate", proxy.ws("/"), cases, r -> { });
            Reports.write(Path.of("target", "autobahn-terminate-9-report"), terminated);
            System.out.println("section 9 through terminate mode: " + Reports.summary(terminated));
            assertThat(terminated).hasSize(54);
            assertThat(terminated.stream().filter(r -> !r.verdict().behavior().equals("OK"))
                    .map(r -> r.spec().id() + "=" + r.verdict().behavior() + " " + r.verdict().result()).toList())
                    .as("section 9 cases not OK through terminate mode").isEmpty();
        }
    }

    /** The proxy with one terminate route on {@code /} to {@code backend}, heartbeats off. */
    private static ProxyProcess terminateProxy(String backend, String routeExtras) {
        return ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  backend: {backends: [%s]}
                websocket: {heartbeat: off}
                routes:
                  - {path: /, pool: backend, mode: terminate%s}
                """.formatted(backend, routeExtras));
    }
}
