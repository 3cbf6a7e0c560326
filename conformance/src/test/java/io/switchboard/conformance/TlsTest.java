package io.switchboard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.switchboard.demo.EchoBackend;
import org.junit.jupiter.api.Test;

/**
 * TLS termination on the listener with certificates generated at test time (keytool): HTTPS and
 * wss:// through the real main, X-Forwarded-Proto https, and a certificate rotated on disk is
 * served without a restart.
 */
class TlsTest {
    private static final String PASS = "changeit";

    /** A self-signed certificate for 127.0.0.1, written as PEM files; returns the keystore for trust. */
    static KeyStore generate(Path dir, String name, Path certPem, Path keyPem) throws Exception {
        Path p12 = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "sb", "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=" + name, "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", p12.toString(), "-storepass", PASS, "-keypass", PASS)
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = new FileInputStream(p12.toFile())) {
            ks.load(in, PASS.toCharArray());
        }
        var mime = Base64.getMimeEncoder(64, "\n".getBytes());
        Files.writeString(certPem, "-----BEGIN CERTIFICATE-----\n" + mime.encodeToString(ks.getCertificate("sb").getEncoded())
                + "\n-----END CERTIFICATE-----\n");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n" + mime.encodeToString(ks.getKey("sb", PASS.toCharArray())
                .getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry(name, ks.getCertificate("sb"));
        return trust;
    }

    private static SSLContext trusting(KeyStore... stores) throws Exception {
        KeyStore all = KeyStore.getInstance("PKCS12");
        all.load(null, null);
        for (KeyStore ks : stores) {
            for (String alias : java.util.Collections.list(ks.aliases())) {
                all.setCertificateEntry(alias, ks.getCertificate(alias));
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(all);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static BigInteger servedSerial(SSLContext ctx, int port) throws Exception {
        try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    @Test
    void httpsAndWssThroughTheListenerAndCertificatesRotateWithoutARestart() throws Exception {
        Path dir = Files.createTempDirectory("switchboard-tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        KeyStore first = generate(dir, "first", cert, key);
        EchoBackend echo = EchoBackend.start("e");
        try (ProxyProcess proxy = ProxyProcess.run("listen: 127.0.0.1:0\ntls: {cert-file: " + cert + ", key-file: " + key + "}\n"
                + "pools:\n  e: {backends: [" + echo.address() + "]}\nroutes:\n  - {path: /, pool: e}\n")) {
            assertThat(proxy.stdout().find(l -> l.startsWith("switchboard listening on https://"))).isPresent();
            SSLContext ctx = trusting(first);
            HttpClient http = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + proxy.port() + "/name"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body().trim()).isEqualTo("e");

            CompletableFuture<String> echoed = new CompletableFuture<>();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("wss://127.0.0.1:" + proxy.port() + "/echo"),
                    new WebSocket.Listener() {
                        @Override
                        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                            echoed.complete(data.toString());
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("over tls", true);
            assertThat(echoed.get(10, TimeUnit.SECONDS)).isEqualTo("over tls");
            ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
            assertThat(proxy.awaitLine(l -> l.contains(" ws ") && l.contains("path=/echo"), Duration.ofSeconds(10)))
                    .as("a TLS client leg keeps the blocking threads").contains("io=threads");

            // rotate: new files in place; the listener serves the new certificate within a few seconds
            BigInteger before = servedSerial(ctx, proxy.port());
            Path tmpCert = dir.resolve("cert2.pem");
            Path tmpKey = dir.resolve("key2.pem");
            KeyStore second = generate(dir, "second", tmpCert, tmpKey);
            Files.move(tmpKey, key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmpCert, cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            SSLContext both = trusting(first, second);
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            BigInteger after = before;
            while (after.equals(before) && System.nanoTime() < deadline) {
                Thread.sleep(500);
                after = servedSerial(both, proxy.port());
            }
            assertThat(after).as("the rotated certificate is served").isNotEqualTo(before)
                    .isEqualTo(((X509Certificate) second.getCertificate("second")).getSerialNumber());
        } finally {
            echo.close();
        }
    }
}
