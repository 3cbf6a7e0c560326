package io.switchboard.config;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * Reads the PEM files the proxy uses: certificate chains (the listener's, a backend pool's CA) and
 * an unencrypted PKCS#8 private key (RSA, EC or Ed25519). The one parser for them: the config
 * loader reads each file once when the config loads, so {@code check} and a reload report a bad
 * file with its key and line, and the listener and the backend TLS read them the same way when
 * they build their contexts.
 */
public final class Pem {
    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";

    private Pem() {
    }

    /**
     * The certificates in {@code file}, in order.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when it holds no certificate, or one that does not parse
     */
    @SuppressWarnings("unchecked")
    public static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            var certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
            if (certs.isEmpty()) {
                throw new IllegalArgumentException("no PEM certificate in it ('BEGIN CERTIFICATE')");
            }
            return (List<X509Certificate>) (List<?>) List.copyOf(certs);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PEM certificate chain (" + e.getMessage() + ")", e);
        }
    }

    /**
     * The private key in {@code file}.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException when it holds no PKCS#8 block, or a key of no supported kind
     */
    public static PrivateKey privateKey(Path file) throws IOException {
        String pem = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1);
        int begin = pem.indexOf(BEGIN_KEY);
        int end = pem.indexOf(END_KEY);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no unencrypted PKCS#8 'BEGIN PRIVATE KEY' block "
                    + "(convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN_KEY.length(), end));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PKCS#8 block is not valid base64", e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException wrongAlgorithm) {
                // try the next
            }
        }
        throw new IllegalArgumentException("not an RSA, EC or Ed25519 key");
    }
}
