package io.switchboard.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.helidon.common.tls.Tls;
import io.helidon.webserver.WebServer;
import io.switchboard.config.Pem;
import io.switchboard.config.TlsFiles;

/**
 * TLS for the main listener from PEM files (a certificate chain and a PKCS#8 key, RSA or EC),
 * checked every few seconds and reloaded into the running listener when either file changes, so
 * certificate rotation (cert-manager, a renewed Secret) needs no restart. A broken new pair is
 * logged and the previous one stays.
 */
final class TlsLoader {
    private static final Logger LOG = Logger.getLogger("switchboard.tls");
    private static final long CHECK_SECONDS = 5;

    private TlsLoader() {
    }

    /** Builds the listener's TLS from the files. */
    static Tls load(TlsFiles files) {
        try {
            List<X509Certificate> chain = Pem.certificates(Path.of(files.certFile()));
            PrivateKey key = Pem.privateKey(Path.of(files.keyFile()));
            return Tls.builder().privateKey(key).privateKeyCertChain(chain).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot load TLS from " + files.certFile() + " and " + files.keyFile() + ": " + e, e);
        }
    }

    /** Re-reads the files whenever their modification times change, and hands the result to the server. */
    static void watch(TlsFiles files, WebServer server, ScheduledExecutorService timers) {
        FileTime[] seen = {modified(files.certFile()), modified(files.keyFile())};
        timers.scheduleWithFixedDelay(() -> {
            FileTime cert = modified(files.certFile());
            FileTime key = modified(files.keyFile());
            if (cert.equals(seen[0]) && key.equals(seen[1])) {
                return;
            }
            seen[0] = cert;
            seen[1] = key;
            try {
                server.reloadTls(load(files));
                LOG.info("tls: certificate reloaded from " + files.certFile());
            } catch (RuntimeException e) {
                LOG.warning("tls: reload failed, the previous certificate stays: " + e.getMessage());
            }
        }, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
    }

    private static FileTime modified(String file) {
        try {
            return Files.getLastModifiedTime(Path.of(file));
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }
}
