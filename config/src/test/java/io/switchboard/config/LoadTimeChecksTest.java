package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes that used to pass {@code check} and fail later (at start-up, or as a stack trace in
 * {@code check} or a reload): each is now an error with its line, column and key path.
 */
class LoadTimeChecksTest {
    private static final String BASE = "pools:\n  p: {backends: [127.0.0.1:9001]}\nroutes:\n  - {path: /, pool: p}\n";

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void aDnsNameWithPortZeroIsAnError() {
        assertThat(errors("pools:\n  p: {dns: localhost:0}\nroutes:\n  - {path: /, pool: p}\n"))
                .containsExactly("t.yaml:2:12: pools.p.dns: expected a backend port from 1 to 65535; got 0");
    }

    @Test
    void theHealthCheckWebSocketSwitchIsAYesNoValue() throws ConfigException {
        String pool = "pools:\n  p:\n    backends: [127.0.0.1:9001]\n    health-check: {path: /ws, websocket: %s}\n"
                + "routes:\n  - {path: /, pool: p}\n";
        assertThat(ConfigLoader.parse(pool.formatted("yes"), "t.yaml").pools().get("p").healthCheck().orElseThrow().websocket())
                .isTrue();
        assertThat(errors(pool.formatted("ture")))
                .containsExactly("t.yaml:4:42: pools.p.health-check.websocket: expected true or false; got 'ture'");
    }

    @Test
    void aControlCharacterIsReportedWhereItIs() {
        assertThat(errors(BASE + "log: {access: \u000coff}\n"))
                .containsExactly("t.yaml:5:15: YAML error: character U+000C is not allowed in YAML");
    }

    @Test
    void manyAliasesToOnePolicyAreFine() throws ConfigException {
        StringBuilder yaml = new StringBuilder("pools:\n  p: {backends: [127.0.0.1:9001]}\nroutes:\n"
                + "  - {path: /r0, pool: p, websocket: &slow {idle: 5m}}\n");
        for (int i = 1; i <= 60; i++) {
            yaml.append("  - {path: /r").append(i).append(", pool: p, websocket: *slow}\n");
        }
        assertThat(ConfigLoader.parse(yaml.toString(), "t.yaml").routes()).hasSize(61);
    }

    @Test
    void filesTheProxyReadsMustBeReadableFiles(@TempDir Path dir) throws IOException {
        Path file = fixture("key.pem");
        assertThat(errors(BASE + "tls: {cert-file: " + dir + ", key-file: " + file + "}\n"))
                .containsExactly("t.yaml:5:18: tls.cert-file: cannot read '" + dir + "': a directory, not a file");
        assertThat(errors(BASE + "tls: {cert-file: \"a\\0b\", key-file: " + file + "}\n"))
                .containsExactly("t.yaml:5:18: tls.cert-file: not a valid file path: 'a\u0000b'");
        assertThat(errors(BASE + "admin: {token-file: " + dir.resolve("missing") + "}\n"))
                .containsExactly("t.yaml:5:21: admin.token-file: cannot read '" + dir.resolve("missing") + "': no such file");
    }

    /** A file of {@code src/test/resources/tls}: a self-signed EC certificate, its PKCS#8 key, the same key in the traditional form (openssl). */
    static Path fixture(String name) {
        try {
            return Path.of(LoadTimeChecksTest.class.getResource("/tls/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tlsFilesMustHoldWhatTheyAreFor(@TempDir Path dir) throws Exception {
        Path cert = fixture("cert.pem");
        Path key = fixture("key.pem");
        assertThat(ConfigLoader.parse(BASE + "tls: {cert-file: " + cert + ", key-file: " + key + "}\n", "t.yaml").tls())
                .isPresent();
        Path traditional = fixture("traditional-key.pem");
        assertThat(errors(BASE + "tls: {cert-file: " + cert + ", key-file: " + traditional + "}\n")).containsExactly(
                "t.yaml:5:" + (30 + cert.toString().length()) + ": tls.key-file: '" + traditional + "': no unencrypted PKCS#8"
                        + " 'BEGIN PRIVATE KEY' block (convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem)");
        assertThat(errors(BASE + "tls: {cert-file: " + key + ", key-file: " + key + "}\n"))
                .singleElement().asString().startsWith("t.yaml:5:18: tls.cert-file: '" + key + "': ");
        assertThat(errors(BASE.replace("p: {backends: [127.0.0.1:9001]}", "p: {backends: [127.0.0.1:9001], tls: {ca-file: "
                + key + "}}"))).singleElement().asString().startsWith("t.yaml:2:50: pools.p.tls.ca-file: '" + key + "': ");
    }

    @Test
    void theTwoListenersCannotShareAPort() {
        assertThat(errors("listen: 127.0.0.1:9901\n" + BASE))
                .containsExactly("t.yaml:1:9: listen: listen (127.0.0.1:9901) and admin.listen (127.0.0.1:9901) would bind the same port");
        assertThat(errors("listen: 0.0.0.0:7000\n" + BASE + "admin: {listen: 127.0.0.1:7000}\n"))
                .containsExactly("t.yaml:6:8: admin.listen: listen (0.0.0.0:7000) and admin.listen (127.0.0.1:7000) would bind the same port");
    }

    @Test
    void durationsStopAtAYear() throws ConfigException {
        assertThat(ConfigLoader.parse(BASE + "timeouts: {connect: 8760h}\n", "t.yaml").timeouts().connect())
                .isEqualTo(Durations.MAX);
        assertThat(errors(BASE + "timeouts: {connect: 8761h}\n")).containsExactly(
                "t.yaml:5:21: timeouts.connect: expected a duration like 500ms, 20s, 5m, 24h; got '8761h' (too large: at most 8760h, a year)");
    }
}
