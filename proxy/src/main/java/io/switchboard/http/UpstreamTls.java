package io.switchboard.http;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.helidon.common.tls.Tls;
import io.switchboard.config.BackendTls;
import io.switchboard.config.Pem;

/**
 * TLS toward backends, one way for every path that dials them (WebSocket upgrades, plain HTTP,
 * health probes): certificates verified against the pool's {@code ca-file} (or the JVM's trust
 * store) and the host name checked against the backend's address (RFC 6125 via the JDK's HTTPS
 * endpoint identification). Contexts are built once per CA file.
 */
public final class UpstreamTls {
    private static final Map<String, SSLContext> CONTEXTS = new ConcurrentHashMap<>();

    private UpstreamTls() {
    }

    /** Wraps a connected socket in TLS toward {@code host} and completes the TLS handshake. */
    public static Socket wrap(Socket plain, String host, int port, BackendTls tls) throws IOException {
        SSLSocket s = (SSLSocket) context(tls).getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters params = s.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(params);
        s.startHandshake();
        return s;
    }

    /** Helidon's TLS settings for the WebClient, trusting the same certificates. */
    public static Tls helidonTls(BackendTls tls) {
        var b = Tls.builder().endpointIdentificationAlgorithm("HTTPS");
        tls.caFile().ifPresent(file -> b.trust(certificates(file)));
        return b.build();
    }

    static SSLContext context(BackendTls tls) {
        return CONTEXTS.computeIfAbsent(tls.caFile().orElse(""), file -> build(tls.caFile()));
    }

    private static SSLContext build(Optional<String> caFile) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caFile.isPresent()) {
                KeyStore trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (X509Certificate c : certificates(caFile.get())) {
                    trust.setCertificateEntry("ca-" + i++, c);
                }
                tmf.init(trust);
            } else {
                tmf.init((KeyStore) null); // the JVM's default trust store
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build TLS toward backends from " + caFile.orElse("the default trust store"), e);
        }
    }

    private static List<X509Certificate> certificates(String file) {
        try {
            return Pem.certificates(Path.of(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read CA certificates from " + file + ": " + e.getMessage(), e);
        }
    }
}
