package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The command line as a user meets it: {@code check} (exit 0 on a valid file; exit 1 and every
 * error as {@code file:line:col: yaml.path: message} on stderr), {@code --help}, {@code --version},
 * and {@code run} printing the READY line with the real port.
 */
@Timeout(120)
class CliTest {
    private static final Pattern ERROR = Pattern.compile("^(.+):(\\d+):(\\d+): (\\S+): (.+)$");

    @Test
    void checkAcceptsAValidFile() {
        Path file = ProxyProcess.writeConfig("""
                listen: 127.0.0.1:0
                pools:
                  chat:
                    backends: [127.0.0.1:9001, {address: 127.0.0.1:9002, weight: 2}]
                    balance: consistent-hash
                    hash-key: header:X-User
                    fallback: round-robin
                    attempts: 3
                    eject-for: 10s
                routes:
                  - path: /chat
                    pool: chat
                    mode: tunnel
                timeouts: {connect: 2s, handshake: 10s, upstream-handshake: 10s, close: 5s, http-read: 5m}
                """);
        ProxyProcess.Result r = ProxyProcess.check(file);
        assertThat(r.exitCode()).as("exit code; stderr:\n%s", r.stderr()).isZero();
        assertThat(r.stderr().lines().filter(l -> ERROR.matcher(l).matches()).toList()).isEmpty();
    }

    @Test
    void checkReportsEveryMistakeWithItsLine() {
        Path file = ProxyProcess.writeConfig("""
                listen: 127.0.0.1:0
                pools:
                  chat:
                    backends: [127.0.0.1:9001]
                    balance: consistent-hsh
                    hash-key: header:X-User
                routes:
                  - path: /chat
                    pool: chatt
                    mode: tunnel
                timeouts:
                  connect: 2 parsecs
                """);
        ProxyProcess.Result r = ProxyProcess.check(file);
        assertThat(r.exitCode()).as("exit code; stderr:\n%s", r.stderr()).isEqualTo(1);
        List<Matcher> errors = new ArrayList<>();
        for (String line : r.stderr().lines().toList()) {
            Matcher m = ERROR.matcher(line);
            if (m.matches() && m.group(1).equals(file.toString())) {
                errors.add(m);
            }
        }
        assertThat(errors).as("file:line:col: path: message lines in\n%s", r.stderr()).hasSize(3);
        assertThat(errors.get(0).group(2)).isEqualTo("5");
        assertThat(errors.get(0).group(4)).contains("balance");
        assertThat(errors.get(1).group(2)).isEqualTo("9");
        assertThat(errors.get(1).group(4)).contains("routes").contains("pool");
        assertThat(errors.get(2).group(2)).isEqualTo("12");
        assertThat(errors.get(2).group(4)).contains("connect");
        for (Matcher m : errors) {
            assertThat(Integer.parseInt(m.group(3))).as("column").isPositive();
            assertThat(m.group(5)).as("message").isNotBlank();
        }
    }

    @Test
    void versionAndHelpExitZero() {
        ProxyProcess.Result version = ProxyProcess.exec("--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.stdout()).containsPattern("\\d+\\.\\d+");
        ProxyProcess.Result help = ProxyProcess.exec("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("run").contains("check").contains("demo");
    }

    @Test
    void runPrintsTheReadyLineWithTheBoundPort() throws Exception {
        try (ProxyProcess p = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  p:
                    backends: [127.0.0.1:9]
                routes:
                  - path: /
                    pool: p
                """)) {
            assertThat(p.host()).isEqualTo("127.0.0.1");
            assertThat(p.port()).isBetween(1, 65535);
            // something really listens there
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", p.port())) {
                assertThat(s.isConnected()).isTrue();
            }
        }
    }

    @Test
    void aListenAddressInUseFailsTheStartWithAClearError() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Path file = ProxyProcess.writeConfig("""
                    listen: 127.0.0.1:%d
                    admin: {listen: 127.0.0.1:0}
                    pools:
                      p:
                        backends: [127.0.0.1:9]
                    routes:
                      - path: /
                        pool: p
                    """.formatted(taken.getLocalPort()));
            ProxyProcess.Result r = ProxyProcess.exec("run", file.toString());
            assertThat(r.exitCode()).as("stderr: %s", r.stderr()).isEqualTo(3);
            assertThat(r.stderr()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
            assertThat(r.stdout()).doesNotContain("switchboard listening on");
        }
    }
}
