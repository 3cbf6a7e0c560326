package io.switchboard.conformance.proxycases;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.conformance.autobahn.CaseIds;
import io.switchboard.conformance.autobahn.CaseResult;
import io.switchboard.conformance.autobahn.Verdicts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs the whole proxy behaviour catalogue against the real proxy (its own backends, a generated
 * YAML, {@code io.switchboard.Main run} in a child JVM), once with tunnel routes and once with
 * terminate routes, and requires every case OK. The report
 * lands in {@code target/proxy-report/}, in the same format as the Autobahn-style suite's.
 */
class ProxyCatalogTest {

    @ParameterizedTest
    @ValueSource(strings = {"tunnel", "terminate"})
    void everyProxyCaseIsOk(String mode) throws Exception {
        String surefire = System.getProperty("surefire.test.class.path");
        String classpath = surefire != null && !surefire.isBlank() ? surefire : System.getProperty("java.class.path");
        Path out = Path.of("target", "proxy-report-" + mode);
        long t0 = System.nanoTime();
        List<CaseResult> results = ProxyCasesMain.runAndReport("switchboard-" + mode, ProxyCatalog.all(), classpath, out,
                mode);
        System.out.printf("proxy catalogue (" + mode + "): %d cases in %.1f s%n", results.size(), (System.nanoTime() - t0) / 1e9);

        assertThat(results).hasSize(ProxyCatalog.all().size());
        assertThat(Files.exists(out.resolve("index.json"))).isTrue();
        assertThat(Files.exists(out.resolve("index.html"))).isTrue();
        String failed = results.stream().filter(r -> !r.verdict().behavior().equals(Verdicts.OK))
                .map(r -> r.spec().id() + " " + r.verdict().behavior() + ": " + r.verdict().result())
                .collect(Collectors.joining("\n"));
        assertThat(failed).as("cases not OK (see %s)", out.toAbsolutePath().resolve("index.html")).isEmpty();
    }

    @Test
    void catalogueIdsAreUniqueAndSortAfterTheAutobahnIds() {
        List<String> ids = ProxyCatalog.all().stream().map(ProxyCase::id).toList();
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("p\\.\\d+\\.\\d+"));
        assertThat(CaseIds.ORDER.compare("p.2.10", "p.2.9")).isPositive();
        assertThat(CaseIds.ORDER.compare("13.7.18", "p.1.1")).isNegative();
        assertThat(CaseIds.section("p.6.3")).isEqualTo("p.6");
        assertThat(CaseIds.section("6.4.3")).isEqualTo("6");
        assertThat(ProxyCatalog.select(List.of("p.6.*"), List.of())).allMatch(c -> c.id().startsWith("p.6."));
    }
}
