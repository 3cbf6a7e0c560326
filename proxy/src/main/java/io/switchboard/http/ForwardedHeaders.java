package io.switchboard.http;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.switchboard.route.RequestInfo;

/**
 * Which request headers go to a backend, and the {@code X-Forwarded-*} headers the proxy adds;
 * one rule for the WebSocket handshake and plain HTTP. {@code X-Forwarded-For} appends the client
 * IP to any list already present (the de-facto convention); {@code -Proto} and {@code -Host}
 * describe the hop into this proxy and replace earlier values. Other headers in which a client
 * makes claims about itself or the hop ({@code Forwarded}, {@code X-Real-IP},
 * {@code True-Client-IP}, {@code X-Forwarded-Port}, {@code X-Forwarded-Prefix}) are dropped: the
 * proxy cannot vouch for them, and backend frameworks that read them before
 * {@code X-Forwarded-For} would take a spoofed address or scheme for the real one.
 */
public final class ForwardedHeaders {
    private static final Set<String> REPLACED = Set.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host",
            "forwarded", "x-real-ip", "true-client-ip", "x-forwarded-port", "x-forwarded-prefix");

    private ForwardedHeaders() {
    }

    /** The client's headers that pass to the backend unchanged (end-to-end, not ones we add). */
    public static List<Header> endToEnd(Headers headers) {
        Set<String> skip = HopByHop.names(headers);
        List<Header> kept = new ArrayList<>(headers.size());
        for (Header h : headers) {
            String lower = h.headerName().lowerCase(); // computed once per name, when it was parsed
            if (!skip.contains(lower) && !REPLACED.contains(lower)) {
                kept.add(h);
            }
        }
        return kept;
    }

    /** The {@code X-Forwarded-*} headers to add, in order, by name. */
    public static Map<String, String> added(Headers headers, RequestInfo request, boolean secure) {
        List<String> prior = headers.values(HeaderNames.X_FORWARDED_FOR);
        Map<String, String> added = new LinkedHashMap<>();
        added.put("X-Forwarded-For", (prior.isEmpty() ? "" : String.join(", ", prior) + ", ") + request.clientIp());
        added.put("X-Forwarded-Proto", secure ? "https" : "http");
        added.put("X-Forwarded-Host", request.host());
        return added;
    }
}
