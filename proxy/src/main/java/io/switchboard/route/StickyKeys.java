package io.switchboard.route;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.helidon.http.HeaderNames;
import io.switchboard.config.Fallback;
import io.switchboard.config.HashKey;

/**
 * Extracts a request's sticky key: the value consistent hashing pins a connection by.
 * Returns {@code null} when the configured source is absent, so the pool's fallback applies
 * ({@link Fallback#IP} turns an absent key into the client IP; {@link Fallback#ROUND_ROBIN} keeps
 * it absent and the pool rotates).
 */
public final class StickyKeys {
    private StickyKeys() {
    }

    /**
     * The sticky key of {@code request}: the first of {@code keys} present in it, else the
     * fallback policy's answer.
     *
     * @param keys     which parts of the request may be the key, in order of preference
     * @param fallback what to do when none is present
     * @param request  the request
     * @return the key, or {@code null} for "no key: rotate"
     */
    public static String extract(List<HashKey> keys, Fallback fallback, RequestInfo request) {
        for (HashKey key : keys) {
            String value = valueOf(key, request);
            if (value != null && !value.isEmpty()) {
                // the source is part of the key so header "a" and cookie "a" pin independently
                return keys.size() == 1 ? value : key.source() + ":" + value;
            }
        }
        return fallback == Fallback.IP ? request.clientIp() : null;
    }

    private static String valueOf(HashKey key, RequestInfo request) {
        return switch (key.source()) {
            case IP -> request.clientIp();
            case HEADER -> request.headers().first(HeaderNames.create(key.name())).orElse(null);
            case COOKIE -> cookie(request, key.name());
            case QUERY -> queryParam(request.rawQuery(), key.name());
            case PATH -> pathSegment(request.path(), key.segment());
        };
    }

    static String cookie(RequestInfo request, String name) {
        for (String header : request.headers().values(HeaderNames.COOKIE)) {
            for (String pair : header.split(";")) {
                int eq = pair.indexOf('=');
                if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
                    return pair.substring(eq + 1).trim();
                }
            }
        }
        return null;
    }

    static String queryParam(String rawQuery, String name) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (k.equals(name)) {
                return eq < 0 ? "" : decode(pair.substring(eq + 1));
            }
        }
        return null;
    }

    /** The Nth (1-based) non-empty segment of the path, or null. */
    static String pathSegment(String path, int n) {
        int seen = 0;
        for (String segment : path.split("/")) {
            if (!segment.isEmpty() && ++seen == n) {
                return decode(segment);
            }
        }
        return null;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape is still a stable key
        }
    }
}
