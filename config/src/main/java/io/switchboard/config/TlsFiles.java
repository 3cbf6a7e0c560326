package io.switchboard.config;

import java.util.Objects;

/**
 * TLS termination on the main listener (YAML section {@code tls}): PEM files, re-read when they
 * change so certificate rotation needs no restart.
 *
 * @param certFile the certificate chain, PEM ({@code -----BEGIN CERTIFICATE-----}), leaf first
 * @param keyFile  the private key, PEM PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), RSA or EC
 */
public record TlsFiles(String certFile, String keyFile) {
    public TlsFiles {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
    }
}
