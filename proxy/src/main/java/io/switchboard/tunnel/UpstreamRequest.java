package io.switchboard.tunnel;

import java.nio.charset.StandardCharsets;

import io.helidon.http.Header;
import io.helidon.http.Headers;
import io.switchboard.http.ForwardedHeaders;
import io.switchboard.route.RequestInfo;

/**
 * Builds the upgrade request sent to a backend: the client's request line and end-to-end headers
 * (hop-by-hop ones stripped per RFC 9110 §7.6.1, then {@code Upgrade}/{@code Connection} set
 * again because the upgrade itself must reach the backend), the client's {@code Host} kept, and
 * {@code X-Forwarded-For}/{@code -Proto}/{@code -Host} added. {@code Sec-WebSocket-*} headers pass
 * untouched, so subprotocols and extensions (permessage-deflate) are negotiated end to end.
 */
final class UpstreamRequest {
    private UpstreamRequest() {
    }

    /**
     * @param terminate null for tunnel mode (the client's key and extension offers pass through);
     *                  in terminate mode the proxy's own key and its own extension offer
     */
    static byte[] head(RequestInfo request, Headers headers, boolean secure, TerminateHandshake terminate) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("GET ").append(request.path());
        if (!request.rawQuery().isEmpty()) {
            sb.append('?').append(request.rawQuery());
        }
        sb.append(" HTTP/1.1\r\n");
        for (Header h : ForwardedHeaders.endToEnd(headers)) {
            String lower = h.headerName().lowerCase();
            if (terminate != null && (lower.equals("sec-websocket-key") || lower.equals("sec-websocket-extensions"))) {
                continue; // terminate mode: each leg negotiates its own handshake
            }
            sb.append(h.name()).append(": ").append(h.valueCount() == 1 ? h.get() : String.join(", ", h.allValues()))
                    .append("\r\n");
        }
        if (terminate != null) {
            sb.append("Sec-WebSocket-Key: ").append(terminate.backendKey()).append("\r\n");
            if (terminate.backendOffer() != null) {
                sb.append("Sec-WebSocket-Extensions: ").append(terminate.backendOffer()).append("\r\n");
            }
        }
        sb.append("Upgrade: websocket\r\n");
        sb.append("Connection: Upgrade\r\n");
        ForwardedHeaders.added(headers, request, secure)
                .forEach((name, value) -> sb.append(name).append(": ").append(value).append("\r\n"));
        sb.append("\r\n");
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
