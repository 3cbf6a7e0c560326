package io.switchboard.conformance.autobahn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance command as a user runs it ({@code ./switchboard conformance --agent … --url …
 * --cases … --out …}, i.e. {@link ConformanceMain#run} with those arguments): a compression case
 * against a deflating server passes with exit 0 and a report; a UTF-8 case against the lax backend
 * fails the run with exit 1; a bad argument is a usage error (2).
 */
class ConformanceCliTest {
    @Test
    void compressionCaseAgainstADeflatingServerPassesAndWritesTheReport(@TempDir Path out) throws Exception {
        try (EchoBackend python = EchoBackend.start(true)) {
            int status = ConformanceMain.run(new String[] {"--agent", "python", "--url",
                    "ws://" + python.address() + "/", "--cases", "12.1.1,13.3.2", "--out", out.toString()});
            assertThat(status).isZero();
            String index = Files.readString(out.resolve("index.json"));
            assertThat(index).contains("\"12.1.1\"").contains("\"13.3.2\"").doesNotContain("FAILED")
                    .doesNotContain("UNIMPLEMENTED");
            assertThat(out.resolve("index.html")).exists();
        }
    }

    @Test
    void aFailedCaseFailsTheRun(@TempDir Path out) throws Exception {
        try (LaxBackend lax = new LaxBackend()) {
            int status = ConformanceMain.run(new String[] {"--agent", "lax", "--url",
                    "ws://127.0.0.1:" + lax.port() + "/", "--cases", "6.3.1", "--out", out.toString()});
            assertThat(status).isEqualTo(1);
            assertThat(Files.readString(out.resolve("index.json"))).contains("FAILED");
        }
        assertThat(ConformanceMain.run(new String[] {"--cases"})).isEqualTo(2);
    }
}
