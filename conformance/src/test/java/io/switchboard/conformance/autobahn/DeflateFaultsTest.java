package io.switchboard.conformance.autobahn;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Proves the compression cases (12.x, 13.x) judge what they claim: against {@link LaxBackend} in
 * each {@link LaxDeflate} mode, a few cases (short text, binary, and text sent in 256-byte
 * fragments after compression) must be OK when the server echoes compressed data correctly,
 * UNIMPLEMENTED when it never accepts the extension, and FAILED, for the right reason, when it
 * alters a message, marks plain data as compressed, sets RSV1 on a continuation, or answers the
 * offer with a parameter that was never offered.
 */
@Timeout(120)
class DeflateFaultsTest {
    static final List<String> CASES = List.of("12.1.1", "12.2.3", "12.1.11");

    @ParameterizedTest
    @EnumSource(LaxDeflate.class)
    void verdictsFollowTheServersDeflateBehaviour(LaxDeflate mode) throws Exception {
        List<CaseSpec> cases = Catalog.select(CASES, List.of());
        try (LaxBackend lax = new LaxBackend(mode)) {
            List<CaseResult> results = SuiteRunner.run("lax-" + mode, URI.create("ws://127.0.0.1:" + lax.port() + "/"), cases, r -> { });
            Reports.write(java.nio.file.Path.of("target", "autobahn-deflate-faults", mode.name().toLowerCase()), results);
            assertThat(results).hasSize(CASES.size());
            for (CaseResult r : results) {
                String behavior = r.verdict().behavior();
                String result = r.verdict().result();
                String what = r.spec().id() + " against " + mode + ": " + behavior + " (" + result + ")";
                switch (mode) {
                    case OFF -> assertThat(behavior).as(what).isEqualTo(Verdicts.UNIMPLEMENTED);
                    case REFLECT -> {
                        assertThat(behavior).as(what).isEqualTo(Verdicts.OK);
                        assertThat(r.verdict().behaviorClose()).as(what).isEqualTo(Verdicts.OK);
                        assertThat(r.outcome().traffic.in.compressed).as(what).isEqualTo(1000);
                        assertThat(r.outcome().traffic.out.compressed).as(what).isEqualTo(1000);
                    }
                    case ALTER -> assertThat(result).as(what).startsWith("echo 1 of 1000 differs: expected a ");
                    case PLAIN_WITH_RSV1 -> assertThat(result).as(what).startsWith("echo 1 of 1000");
                    case RSV1_ON_CONTINUATION -> assertThat(result).as(what)
                            .contains("the fuzzer failed the connection: RSV1 on a CONTINUATION frame");
                    case BAD_ANSWER -> assertThat(result).as(what).contains("RFC 7692 §7.1").contains("mystery_parameter");
                }
                if (mode != LaxDeflate.OFF && mode != LaxDeflate.REFLECT) {
                    assertThat(behavior).as(what).isEqualTo(Verdicts.FAILED);
                }
            }
        }
    }
}
