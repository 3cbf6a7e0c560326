package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.switchboard.demo.EchoBackend;
import org.junit.jupiter.api.Test;

/**
 * TLS toward backends: a pool with {@code tls: {ca-file}} dials its backend over TLS (wss:// for
 * upgrades, https:// for plain HTTP) and verifies the certificate. The TLS backend here is a second
 * Switchboard with a TLS listener in front of an echo backend; a CA the backend's certificate does
 * not chain to gives 502.
 */
class BackendTlsTest {
    @Test
    void upgradesAndRequestsReachATlsBackendOnlyWithTheRightCa() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-upstream-tls");
        Path cert = dir.resolve("backend.pem");
        Path key = dir.resolve("backend-key.pem");
        TlsTest.generate(dir, "backend", cert, key);
        Path otherCa = dir.resolve("other.pem");
        TlsTest.generate(dir, "other", otherCa, dir.resolve("other-key.pem"));
        EchoBackend echo = EchoBackend.start("e");
        try (ProxyProcess tlsBackend = ProxyProcess.run("listen: 127.0.0.1:0\ntls: {cert-file: " + cert + ", key-file: " + key
                + "}\npools:\n  e: {backends: [" + echo.address() + "]}\nroutes:\n  - {path: /, pool: e}\n");
             ProxyProcess front = ProxyProcess.run(front(tlsBackend.port(), cert));
             ProxyProcess wrongCa = ProxyProcess.run(front(tlsBackend.port(), otherCa))) {
            try (var up = RawWsClient.upgrade(front.port(), "/", Map.of())) {
                assertThat(up.head().status()).isEqualTo(101);
                up.client().sendText("through two proxies, the second over TLS");
                assertThat(up.client().readMessage().text()).isEqualTo("through two proxies, the second over TLS");
                up.client().sendClose(1000, "");
            }
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + front.port() + "/name")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body().trim()).isEqualTo("e");
            assertThat(tlsBackend.awaitLine(l -> l.contains(" http ") && l.contains("path=/name"), java.time.Duration.ofSeconds(5)))
                    .as("the request reached the TLS backend").contains("status=200");

            try (var refused = RawWsClient.upgrade(wrongCa.port(), "/", Map.of())) {
                assertThat(refused.head().status()).as("a certificate that does not chain to the CA").isEqualTo(502);
            }
            HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + wrongCa.port() + "/name")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(502);
        } finally {
            echo.close();
        }
    }

    private static String front(int backendPort, Path ca) {
        // localhost, not 127.0.0.1: the certificate names both, and host names exercise SNI
        return "listen: 127.0.0.1:0\npools:\n  b:\n    backends: [localhost:" + backendPort + "]\n"
                + "    tls: {ca-file: " + ca + "}\n    attempts: 1\nroutes:\n  - {path: /, pool: b}\n";
    }
}
