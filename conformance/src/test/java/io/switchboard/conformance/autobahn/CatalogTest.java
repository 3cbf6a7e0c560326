package io.switchboard.conformance.autobahn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The catalogue loads completely and has the reference suite's shape. */
class CatalogTest {
    @Test
    void hasEveryCaseOfEverySection() {
        Map<Integer, Long> perSection = Catalog.all().stream()
                .collect(Collectors.groupingBy(CaseSpec::section, TreeMap::new, Collectors.counting()));
        assertThat(perSection).containsExactly(Map.entry(1, 16L), Map.entry(2, 11L), Map.entry(3, 7L), Map.entry(4, 10L),
                Map.entry(5, 20L), Map.entry(6, 145L), Map.entry(7, 37L), Map.entry(9, 54L), Map.entry(10, 1L),
                Map.entry(12, 90L), Map.entry(13, 126L));
        assertThat(Catalog.all()).hasSize(517);
        assertThat(Catalog.all().stream().map(CaseSpec::id).distinct()).hasSize(517);
    }

    @Test
    void generatedUtf8CasesSplitIntoValidAndInvalid() {
        List<CaseSpec> utf8 = Catalog.select(List.of("6.*"), List.of("6.1.*", "6.2.*", "6.3.*", "6.4.*"));
        assertThat(utf8).hasSize(132);
        assertThat(utf8.stream().filter(c -> c.close().closedByMe())).hasSize(63);
        assertThat(utf8.stream().filter(c -> c.close().codes().equals(List.of(1007)))).hasSize(69);
    }

    @Test
    void patternsSelectAsDocumented() {
        assertThat(Catalog.select(List.of("6.4.*"), List.of()).stream().map(CaseSpec::id))
                .containsExactly("6.4.1", "6.4.2", "6.4.3", "6.4.4");
        assertThat(CaseIds.selected("6.10.1", List.of("6.1.*"), List.of())).isFalse();
        assertThat(CaseIds.selected("9.1.1", List.of(), List.of("9.*"))).isFalse();
        assertThat(Catalog.get("5.19").steps()).hasSize(9);
        assertThat(Catalog.get("7.9.1").wrongCodeFatal()).isTrue();
        assertThat(Catalog.get("7.13.1").informational()).isTrue();
    }
}
