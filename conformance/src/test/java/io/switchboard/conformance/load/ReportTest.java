package io.switchboard.conformance.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The bench table's CPU rows: the proxy's own CPU per completed unit, the median of the rounds, and its ratio. */
class ReportTest {
    @Test
    void cpuPerUnitIsTheProxysShareOfACoreDividedByItsRate() {
        assertThat(Report.microsEach(80, 10_000)).isEqualTo(80.0); // 80 % of a core over 10k/s: 80 µs each
        assertThat(Report.microsEach(95, 85_000)).isCloseTo(11.18, org.assertj.core.data.Offset.offset(0.01));
        assertThat(Report.microsEach(0, 10_000)).as("no proxy process (the direct column)").isNaN();
        assertThat(Report.microsEach(50, 0)).as("nothing completed").isNaN();
    }

    @Test
    void tableShowsTheMedianCostPerHandshakeAndItsRatioToEachPeer() {
        Map<String, Map<String, List<Double>>> runs = Map.of(
                "HAProxy", Map.of("connect", List.of(10_000.0, 11_000.0, 10_500.0),
                        "cost.connect", List.of(78.0, 75.0, 80.0), "cost@64", List.of(10.0, 10.0, 10.0)),
                Report.TUNNEL, Map.of("connect", List.of(9_500.0, 9_800.0, 9_000.0),
                        "cost.connect", List.of(91.0, 90.0, 96.0), "cost@64", List.of(11.0, 12.0, 11.5)),
                "direct", Map.of("connect", List.of(30_000.0), "cost.connect", List.of(Double.NaN)));
        String table = new Report(runs, Map.of(), List.of("direct", "HAProxy", Report.TUNNEL), List.of(64), Map.of())
                .table(50, 16, 50, 0, Duration.ofSeconds(5), 3);
        String row = table.lines().filter(l -> l.startsWith("| proxy CPU per handshake")).findFirst().orElseThrow();
        // medians 78.0 and 91.0; the ratio round by round: 91/78, 90/75, 96/80 = 1.17, 1.20, 1.20
        assertThat(row).isEqualTo("| proxy CPU per handshake, µs | - | 78.0 | 91.0 | 1.20x (1.17–1.20) |");
        String echo = table.lines().filter(l -> l.startsWith("| proxy CPU per echoed message")).findFirst().orElseThrow();
        assertThat(echo).isEqualTo("| proxy CPU per echoed message, µs (64 B) | - | 10.0 | 11.5 | 1.15x (1.10–1.20) |");
    }

    @Test
    void ratiosArePairedRoundByRoundAndTerminateIsSetAgainstTheTunnel() {
        // a drift that slowed round 2 for both: the paired ratio stays at 1.00x in every round
        Map<String, Map<String, List<Double>>> runs = Map.of(
                Report.TUNNEL, Map.of("echo@64", List.of(100.0, 50.0, 100.0)),
                Report.TERMINATE, Map.of("echo@64", List.of(80.0, 40.0, 90.0)),
                "nginx", Map.of("echo@64", List.of(100.0, 50.0, 100.0)));
        Report report = new Report(runs, Map.of(), List.of("nginx", Report.TUNNEL, Report.TERMINATE), List.of(64), Map.of());
        assertThat(report.pairedRatio(Report.TUNNEL, "nginx", "echo@64")).isEqualTo("1.00x (1.00–1.00)");
        assertThat(report.pairedRatio(Report.TERMINATE, Report.TUNNEL, "echo@64")).isEqualTo("0.80x (0.80–0.90)");
        String header = report.table(50, 16, 50, 0, Duration.ofSeconds(5), 3).lines().findFirst().orElseThrow();
        assertThat(header).contains("terminate / tunnel");
    }

    @Test
    void eachRoundStartsOneColumnLater() {
        assertThat(Bench.rotated(List.of("a", "b", "c"), 0)).containsExactly("a", "b", "c");
        assertThat(Bench.rotated(List.of("a", "b", "c"), 1)).containsExactly("b", "c", "a");
        assertThat(Bench.rotated(List.of("a", "b", "c"), 5)).containsExactly("c", "a", "b");
    }

    @Test
    void targetsAreMetOnlyWhenEveryRoundMeetsThem() {
        Map<String, Map<String, List<Double>>> runs = Map.of(
                Report.TUNNEL, Map.of("echo@64", List.of(101.0, 99.0, 103.0), "connect", List.of(10.0, 11.0, 12.0)),
                "nginx", Map.of("echo@64", List.of(100.0, 100.0, 100.0)),
                "HAProxy", Map.of("connect", List.of(9.0, 10.0, 11.0)));
        String t = new Report(runs, Map.of(), List.of("HAProxy", "nginx", Report.TUNNEL), List.of(64), Map.of()).targets();
        assertThat(t).contains("- echo msgs/s >= 1.0x nginx: 1.01x (0.99–1.03), median only (some rounds below)")
                .contains("- handshakes/s >= 1.0x HAProxy: 1.10x (1.09–1.11), met")
                .doesNotContain("terminate");
    }
}
