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

/** The admin API's bearer token: loaded once at start, compared in constant time. */
final class AdminToken {
    private AdminToken() {
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

    /** A filter: passes the request on when no token is set or the right one is presented, else 401. */
    static void check(byte[] token, ServerRequest req, ServerResponse res) {
        if (token == null) {
            res.next();
            return;
        }
        String presented = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        byte[] given = presented.startsWith("Bearer ") ? presented.substring(7).trim().getBytes(StandardCharsets.UTF_8)
                : new byte[0];
        if (MessageDigest.isEqual(token, given)) {
            res.next();
            return;
        }
        res.status(401);
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send("{\"error\":\"a bearer token is required\"}\n");
    }
}
