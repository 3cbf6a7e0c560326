package io.switchboard.conformance.autobahn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Proves the suite can fail: against {@link LaxBackend} (never validates UTF-8, answers every
 * Close with 1000) exactly the cases that check those two behaviours are FAILED, and no other.
 * The expected set is computed from the catalogue data, not listed by hand:
 * <ul>
 *   <li>every case expecting the peer itself to fail with 1007 (6.3.x, 6.4.x, the invalid
 *       6.5-6.23 samples): the lax server echoes, the fuzzer has to close, which is fatal;</li>
 *   <li>every section 7 case where a 1000 answer is a WRONG CODE (7.3.2, 7.3.6, 7.5.1, 7.9.x).</li>
 * </ul>
 */
@Timeout(300)
class LaxBackendTest {
    @Test
    void failsExactlyTheCasesThatCheckTheLaxBehaviour() throws Exception {
        List<CaseSpec> cases = Catalog.select(AutobahnGateTest.GATE_SECTIONS, List.of());
        Set<String> expected = cases.stream().filter(LaxBackendTest::checksLaxBehaviour).map(CaseSpec::id)
                .collect(Collectors.toCollection(() -> new TreeSet<>(CaseIds.ORDER)));
        try (LaxBackend lax = new LaxBackend()) {
            List<CaseResult> results = SuiteRunner.run("lax", URI.create("ws://127.0.0.1:" + lax.port() + "/"), cases, r -> { });
            Reports.write(java.nio.file.Path.of("target", "autobahn-report-lax"), results);
            Set<String> failed = results.stream().filter(r -> Verdicts.isFailing(r.verdict().behavior()))
                    .map(r -> r.spec().id()).collect(Collectors.toCollection(() -> new TreeSet<>(CaseIds.ORDER)));
            assertThat(expected).hasSize(69 + 2 + 4 + 3 + 9); // invalid samples, 6.3, 6.4, 7.3.2/7.3.6/7.5.1, 7.9
            assertThat(failed).isEqualTo(expected);
        }
    }

    private static boolean checksLaxBehaviour(CaseSpec c) {
        CloseExpectation x = c.close();
        boolean utf8 = !x.closedByMe() && x.wrongEndpointFatal() && x.codes().equals(List.of(1007));
        boolean closeCode = c.wrongCodeFatal() && !x.codes().contains(1000);
        return utf8 || closeCode;
    }
}
