package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error kind: exact line, column, path and message; all errors of a file at once. */
class ConfigErrorsTest {
    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "t.yaml"));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.errors().stream().map(ConfigError::toString).toList()));
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void unknownPoolWithSuggestion() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                # Chat service
                listen: 0.0.0.0:8080
                pools:
                  web:
                    backends:
                      - 127.0.0.1:9001
                  chat:
                    backends:
                      - 127.0.0.1:9002
                routes:
                  - path: /chat
                    pool: chat
                  - path: /
                    pool: webb
                """, "chat.yaml"));
        assertThat(e.errors()).containsExactly(
                new ConfigError("chat.yaml", 14, 11, "routes[1].pool", "no pool named 'webb' (did you mean 'web'?)"));
        assertThat(e.getMessage()).isEqualTo("chat.yaml:14:11: routes[1].pool: no pool named 'webb' (did you mean 'web'?)");
    }

    @Test
    void aKeyInTheWrongSectionSaysWhereItBelongs() {
        assertThat(errors("""
                pools:
                  chat: {backends: [127.0.0.1:9001]}
                routes:
                  - path: /chat
                    pool: chat
                    balance: round-robin
                websocket:
                  spread: 30s
                """)).containsExactly(
                "t.yaml:6:5: routes[0].balance: unknown key (it belongs under pools.NAME)",
                "t.yaml:8:3: websocket.spread: unknown key (it belongs under drain)");
    }

    @Test
    void threeMistakesGiveThreeErrors() {
        assertThat(errors("""
                pools:
                  chat:
                    backends:
                      - 127.0.0.1:9001
                    balanse: round-robin
                routes:
                  - path: chat
                    pool: chat
                timeouts:
                  connect: fast
                """)).containsExactly(
                "t.yaml:5:5: pools.chat.balanse: unknown key (did you mean 'balance'?)",
                "t.yaml:7:11: routes[0].path: expected a path starting with '/', like /chat; got 'chat'",
                "t.yaml:10:12: timeouts.connect: expected a duration like 500ms, 20s, 5m, 24h; got 'fast'");
    }

    @Test
    void theAccessLogSwitchIsOnOrOffAndDefaultsToOn() throws ConfigException {
        String base = "pools:\n  chat: {backends: [127.0.0.1:9001]}\nroutes:\n  - {path: /, pool: chat}\n";
        assertThat(ConfigLoader.parse(base, "t.yaml").log()).isEqualTo(LogConfig.DEFAULT);
        assertThat(ConfigLoader.parse(base + "log: {access: off}\n", "t.yaml").log())
                .isEqualTo(new LogConfig(LogFormat.PLAIN, false));
        assertThat(ConfigLoader.parse(base + "log: {format: json, access: on}\n", "t.yaml").log())
                .isEqualTo(new LogConfig(LogFormat.JSON, true));
        assertThat(errors(base + "log:\n  access: sometimes\n"))
                .containsExactly("t.yaml:6:11: log.access: expected true or false; got 'sometimes'");
    }

    @Test
    void acceptIsTheLoopByDefaultHelidonOnRequestAndWithTlsOnlyHelidon(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        String base = "pools:\n  chat: {backends: [127.0.0.1:9001]}\nroutes:\n  - {path: /, pool: chat}\n";
        assertThat(ConfigLoader.parse(base, "t.yaml").accept()).isEqualTo(Accept.LOOP);
        assertThat(ConfigLoader.parse(base + "accept: helidon\n", "t.yaml").accept()).isEqualTo(Accept.HELIDON);
        assertThat(errors(base + "accept: kernel\n"))
                .containsExactly("t.yaml:5:9: accept: expected one of loop, helidon; got 'kernel'");
        java.nio.file.Path cert = LoadTimeChecksTest.fixture("cert.pem");
        java.nio.file.Path key = LoadTimeChecksTest.fixture("key.pem");
        String tls = "tls: {cert-file: " + cert + ", key-file: " + key + "}\n";
        assertThat(ConfigLoader.parse(base + tls, "t.yaml").accept()).isEqualTo(Accept.HELIDON);
        assertThat(errors(base + tls + "accept: loop\n")).containsExactly(
                "t.yaml:6:9: accept: loop needs a plain listener: with tls, Helidon accepts (use helidon or drop the key)");
    }

    @Test
    void loopIoIsNativeByDefaultNioOnRequestAndAnythingElseIsNamed() throws Exception {
        String base = "pools:\n  chat: {backends: [127.0.0.1:9001]}\nroutes:\n  - {path: /, pool: chat}\n";
        assertThat(ConfigLoader.parse(base, "t.yaml").loopIo()).isEqualTo(LoopIo.NATIVE);
        assertThat(ConfigLoader.parse(base + "loop-io: nio\n", "t.yaml").loopIo()).isEqualTo(LoopIo.NIO);
        assertThat(ConfigLoader.parse(base + "loop-io: native\n", "t.yaml").loopIo()).isEqualTo(LoopIo.NATIVE);
        assertThat(errors(base + "loop-io: epoll\n"))
                .containsExactly("t.yaml:5:10: loop-io: expected one of native, nio; got 'epoll'");
    }

    @Test
    void badValues() {
        assertThat(errors("""
                listen: 0.0.0.0:70000
                pools:
                  chat:
                    backends:
                      - 127.0.0.1:0
                      - {address: 127.0.0.1:9002, weight: 0}
                      - address: 127.0.0.1:9003
                        weight: heavy
                      - localhost
                      - 127.0.0.1:9004
                      - 127.0.0.1:9004
                      - [127.0.0.1:9005]
                    balance: consistant-hash
                    hash-key: header
                    fallback: sticky
                    bounded-load: 1.0
                    attempts: 0
                    eject-for: 10
                routes:
                  - path: /
                    pool: chat
                """)).containsExactly(
                "t.yaml:1:9: listen: expected host:port like 127.0.0.1:9001; got '0.0.0.0:70000' (port must be 0..65535)",
                "t.yaml:5:9: pools.chat.backends[0]: backend port must be 1..65535; got '127.0.0.1:0'",
                "t.yaml:6:43: pools.chat.backends[1].weight: expected a whole number from 1 to 1000; got '0'",
                "t.yaml:8:17: pools.chat.backends[2].weight: expected a whole number from 1 to 1000; got 'heavy'",
                "t.yaml:9:9: pools.chat.backends[3]: expected host:port like 127.0.0.1:9001; got 'localhost' (no port)",
                "t.yaml:11:9: pools.chat.backends[5]: duplicate backend 127.0.0.1:9004 (already listed as backends[4])",
                "t.yaml:12:9: pools.chat.backends[6]: expected host:port or {address: host:port, weight: N}; got a list",
                "t.yaml:13:14: pools.chat.balance: expected one of consistent-hash, round-robin, least-connections;"
                        + " got 'consistant-hash' (did you mean 'consistent-hash'?)",
                "t.yaml:14:15: pools.chat.hash-key: expected ip, header:NAME, cookie:NAME, query:NAME or path:N;"
                        + " got 'header' (missing the name after ':')",
                "t.yaml:15:15: pools.chat.fallback: expected one of round-robin, ip; got 'sticky'",
                "t.yaml:16:19: pools.chat.bounded-load: expected a number above 1.0 such as 1.25, or 0 for off;"
                        + " got '1.0' (a backend's share cannot be capped below the average)",
                "t.yaml:17:15: pools.chat.attempts: expected a whole number from 1 to 100; got '0'",
                "t.yaml:18:16: pools.chat.eject-for: expected a duration like 500ms, 20s, 5m, 24h; got '10'"
                        + " (add a unit, e.g. '10s')");
    }

    @Test
    void structuralErrors() {
        assertThat(errors("""
                pools:
                  chat:
                    balance: round-robin
                  web: 127.0.0.1:9001
                  empty:
                    backends: []
                routes:
                  - pool: chat
                  - path: /x
                  - /y
                  - path: /z
                    pool: nowhere
                    mode: terminal
                    host: chat.example.com:443
                """)).containsExactly(
                "t.yaml:3:5: pools.chat.backends: required key is missing",
                "t.yaml:4:8: pools.web: expected a mapping with 'backends'; got '127.0.0.1:9001'",
                "t.yaml:6:15: pools.empty.backends: at least one backend is required",
                "t.yaml:8:5: routes[0].path: required key is missing",
                "t.yaml:9:5: routes[1].pool: required key is missing",
                "t.yaml:10:5: routes[2]: expected a mapping with 'path' and 'pool'; got '/y'",
                "t.yaml:12:11: routes[3].pool: no pool named 'nowhere'",
                "t.yaml:13:11: routes[3].mode: expected one of tunnel, terminate; got 'terminal' (did you mean 'terminate'?)",
                "t.yaml:14:11: routes[3].host: leave out the port: routes match the host alone, whatever port the"
                        + " client used");
    }

    @Test
    void topLevelKeys() {
        assertThat(errors("""
                listen: 0.0.0.0:8080
                pool:
                  chat: {backends: [127.0.0.1:1]}
                """)).containsExactly(
                "t.yaml:1:1: pools: required key is missing",
                "t.yaml:1:1: routes: required key is missing",
                "t.yaml:2:1: pool: unknown key (did you mean 'pools'?)");
    }

    @Test
    void unknownKeysAtEveryLevel() {
        assertThat(errors("""
                pools:
                  chat:
                    backends:
                      - {address: 127.0.0.1:1, wieght: 2}
                routes:
                  - path: /
                    pool: chat
                    methods: GET
                timeouts:
                  conect: 1s
                  read: 1s
                """)).containsExactly(
                "t.yaml:4:32: pools.chat.backends[0].wieght: unknown key (did you mean 'weight'?)",
                "t.yaml:8:5: routes[0].methods: unknown key",
                "t.yaml:10:3: timeouts.conect: unknown key (did you mean 'connect'?)",
                "t.yaml:11:3: timeouts.read: unknown key");
    }

    @Test
    void duplicateKeys() {
        assertThat(errors("""
                pools:
                  chat:
                    backends: [127.0.0.1:1]
                    attempts: 2
                    attempts: 3
                  chat:
                    backends: [127.0.0.1:2]
                routes:
                  - {path: /, pool: chat}
                """)).containsExactly(
                "t.yaml:5:5: pools.chat.attempts: duplicate key (first defined at line 4)",
                "t.yaml:6:3: pools.chat: duplicate key (first defined at line 2)");
    }

    @Test
    void emptySections() {
        assertThat(errors("pools: {}\nroutes: []\n")).containsExactly(
                "t.yaml:1:8: pools: at least one pool is required",
                "t.yaml:2:9: routes: at least one route is required");
        assertThat(errors("pools:\nroutes:\n")).containsExactly(
                "t.yaml:1:7: pools: expected a mapping of pool name to pool; got nothing",
                "t.yaml:2:8: routes: expected a list of routes; got nothing");
        assertThat(errors("pools:\n  - chat\nroutes: {}\n")).containsExactly(
                "t.yaml:2:3: pools: expected a mapping of pool name to pool; got a list",
                "t.yaml:3:9: routes: expected a list of routes; got a mapping");
    }

    @Test
    void emptyValuesAndNames() {
        assertThat(errors("""
                pools:
                  "": {backends: [127.0.0.1:1]}
                  ok:
                    backends: [127.0.0.1:1]
                    balance:
                routes:
                  - {path: /, pool: ok, host: ""}
                """)).containsExactly(
                "t.yaml:2:3: pools: pool name must not be empty",
                "t.yaml:5:13: pools.ok.balance: expected one of consistent-hash, round-robin, least-connections;"
                        + " got nothing",
                "t.yaml:7:31: routes[0].host: expected a host name like chat.example.com (no scheme, port or path);"
                        + " got ''");
    }

    @Test
    void routeValues() {
        assertThat(errors("""
                pools:
                  p: {backends: [127.0.0.1:1]}
                routes:
                  - {path: "/a?x=1", pool: p}
                  - {path: /b, pool: p, host: "*.example.com"}
                  - {path: /c, pool: p, host: "http://example.com"}
                  - {path: /d, pool: p, mode: tunel}
                """)).containsExactly(
                "t.yaml:4:12: routes[0].path: paths are matched without the query string; leave out what follows"
                        + " '?' or '#'",
                "t.yaml:5:31: routes[1].host: wildcards are not supported; match hosts exactly, one route per host",
                "t.yaml:6:31: routes[2].host: expected a host name like chat.example.com (no scheme, port or path);"
                        + " got 'http://example.com'",
                "t.yaml:7:31: routes[3].mode: expected one of tunnel, terminate; got 'tunel' (did you mean 'tunnel'?)");
    }

    @Test
    void brokenPoolIsNotAlsoReportedAsMissing() {
        assertThat(errors("""
                pools:
                  chat:
                    backends: [127.0.0.1:1]
                    attempts: many
                routes:
                  - {path: /, pool: chat}
                """)).containsExactly(
                "t.yaml:4:15: pools.chat.attempts: expected a whole number from 1 to 100; got 'many'");
    }

    @Test
    void yamlSyntaxErrorHasPosition() {
        List<String> tab = errors("pools:\n\tchat: {}\n");
        assertThat(tab).hasSize(1);
        assertThat(tab.get(0)).startsWith("t.yaml:2:1: YAML syntax error: found character '\\t");

        List<String> colon = errors("pools:\n  chat:\n    backends: a: b\n");
        assertThat(colon).containsExactly("t.yaml:3:16: YAML syntax error: mapping values are not allowed here");

        List<String> unclosed = errors("pools:\n  chat: {backends: [127.0.0.1:1}\nroutes: []\n");
        assertThat(unclosed).hasSize(1);
        assertThat(unclosed.get(0)).startsWith("t.yaml:2:").contains("YAML syntax error: ");

        assertThat(errors("pools: {}\n---\nroutes: []\n")).containsExactly(
                "t.yaml:2:1: YAML syntax error: expected a single document in the stream, but found another document");
    }

    @Test
    void emptyAndNonMappingFiles() {
        String empty = "t.yaml:1:1: file is empty; expected a mapping with 'pools' and 'routes'";
        assertThat(errors("")).containsExactly(empty);
        assertThat(errors("# nothing but a comment\n\n")).containsExactly(empty);
        assertThat(errors("---\n")).containsExactly(empty);
        assertThat(errors("- a\n- b\n"))
                .containsExactly("t.yaml:1:1: expected a mapping with 'pools' and 'routes'; got a list");
    }

    @Test
    void missingFile(@TempDir Path dir) {
        Path file = dir.resolve("nope.yaml");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e.errors()).containsExactly(new ConfigError(file.toString(), 0, 0, "", "cannot read file: no such file"));
        assertThat(e.getMessage()).isEqualTo(file + ": cannot read file: no such file");
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "pools: {}\nroutes: []\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
        assertThat(e.errors()).extracting(ConfigError::source).containsOnly(file.toString());
        assertThat(e.errors()).extracting(ConfigError::line).containsExactly(1, 2);
    }
}
