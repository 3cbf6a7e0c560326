package io.switchboard.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.switchboard.config.AdminConfig;

/**
 * Who may use the admin API: the bearer token (loaded once at start, compared in constant time),
 * and never a web page. A browser on the same machine can reach a loopback listener: a page's
 * form can POST a drain (a "simple" request, sent without asking), and a host name rebound to
 * 127.0.0.1 makes the page same-origin. So a request with an {@code Origin} header (browsers send
 * one on every cross-origin request and on every POST) is refused, and without a token the
 * {@code Host} must name the loopback interface, which a rebound name does not.
 */
final class AdminToken {
    private AdminToken() {
    }

    /**
     * The token as each request should see it: a {@code token-file} is read again when it changes
     * (a rotated Kubernetes Secret is a new file behind the same path), so rotating the token needs
     * no restart; a file that becomes unreadable or empty keeps the last good token. A variable is
     * read once. Null from the supplier: no token configured.
     *
     * @throws IllegalStateException when the configured file or variable is missing or empty at start
     */
    static java.util.function.Supplier<byte[]> source(AdminConfig config) {
        byte[] first = load(config);
        if (config.tokenFile().isEmpty()) {
            return () -> first;
        }
        Path file = Path.of(config.tokenFile().get());
        return new java.util.function.Supplier<>() {
            private byte[] token = first;
            private long stamp = stamp(file);

            @Override
            public synchronized byte[] get() {
                long now = stamp(file);
                if (now != stamp) {
                    try {
                        token = load(config);
                        stamp = now;
                    } catch (IllegalStateException e) {
                        // half-written or removed mid-rotation: the last good token stays
                    }
                }
                return token;
            }
        };
    }

    /** The file's modification time and size together, or -1 when it cannot be read. */
    private static long stamp(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() * 31 + Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * The configured token, or null when none is configured.
     *
     * @throws IllegalStateException when a configured file or variable is missing or empty
     */
    static byte[] load(AdminConfig config) {
        String token = null;
        if (config.tokenFile().isPresent()) {
            try {
                token = Files.readString(Path.of(config.tokenFile().get())).trim();
            } catch (IOException e) {
                throw new IllegalStateException("admin.token-file " + config.tokenFile().get() + " cannot be read: " + e);
            }
        } else if (config.tokenEnv().isPresent()) {
            token = System.getenv(config.tokenEnv().get());
        }
        if (config.tokenFile().isPresent() || config.tokenEnv().isPresent()) {
            if (token == null || token.isBlank()) {
                throw new IllegalStateException("the admin token (" + config.tokenFile().orElse("$" + config.tokenEnv().orElse(""))
                        + ") is empty");
            }
            return token.trim().getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }

    /** A filter: passes the request on when no token is set or the right one is presented, else 401; a browser's, 403. */
    static void check(byte[] token, ServerRequest req, ServerResponse res) {
        String browser = req.headers().contains(HeaderNames.ORIGIN) ? "a request from a web page (Origin)"
                : token == null && !loopbackHost(req.headers().first(HeaderNames.HOST).orElse("")) ? "a Host that is not loopback"
                : null;
        if (browser != null) {
            res.status(403);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send("{\"error\":\"the admin API refuses " + browser + "\"}\n");
            return;
        }
        if (token == null) {
            res.next();
            return;
        }
        String presented = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        // RFC 9110 §11.1: the scheme name is case-insensitive ("bearer" is as good as "Bearer")
        byte[] given = presented.regionMatches(true, 0, "Bearer ", 0, 7)
                ? presented.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (MessageDigest.isEqual(token, given)) {
            res.next();
            return;
        }
        res.status(401);
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send("{\"error\":\"a bearer token is required\"}\n");
    }

    /** {@code localhost}, {@code 127.x.y.z} or {@code [::1]}, with or without a port. */
    static boolean loopbackHost(String host) {
        String h = host.toLowerCase(java.util.Locale.ROOT);
        if (h.startsWith("[")) {
            return h.startsWith("[::1]");
        }
        int colon = h.indexOf(':');
        String name = colon < 0 ? h : h.substring(0, colon);
        return name.equals("localhost") || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    }
}
