package io.switchboard.tunnel;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import io.helidon.http.WritableHeaders;
import io.switchboard.config.DeflateConfig;
import io.switchboard.http.HopByHop;
import io.switchboard.ws.DeflateNegotiation;
import io.switchboard.ws.DeflateParams;
import io.switchboard.ws.Handshake;
import io.switchboard.ws.MessageDeflater;
import io.switchboard.ws.MessageInflater;

/**
 * The two handshakes of a terminate-mode connection. The proxy is a client toward the backend
 * (its own key, its own extension offer) and a server toward the client, and it answers the client
 * only after the backend's 101, so the backend's choice of subprotocol can be relayed. Extensions
 * are negotiated per leg: permessage-deflate may be on toward the client and off toward the
 * backend, or the reverse, as the route's {@code deflate} section says.
 */
final class TerminateHandshake {
    private static final Set<String> LEG_HEADERS = Set.of("sec-websocket-accept", "sec-websocket-extensions",
            "sec-websocket-protocol", "content-length");
    private final DeflateConfig deflate;
    private final String backendKey = Handshake.newKey();
    private final String backendOffer;
    private DeflateParams clientDeflate;
    private DeflateParams backendDeflate;

    TerminateHandshake(DeflateConfig deflate) {
        this.deflate = deflate;
        this.backendOffer = deflate.backend() ? DeflateNegotiation.offer(deflate.contextTakeover()) : null;
    }

    /** The proxy's own {@code Sec-WebSocket-Key} toward the backend. */
    String backendKey() {
        return backendKey;
    }

    /** The {@code Sec-WebSocket-Extensions} value offered to the backend, or null for none. */
    String backendOffer() {
        return backendOffer;
    }

    /**
     * Checks the backend's 101 as a client must (RFC 6455 §4.1: the accept matches the key, and no
     * extension was accepted that was not offered; RFC 7692 §7.1 for permessage-deflate's
     * parameters), then answers the client's offers and builds the client's 101.
     *
     * @return the client's 101, or empty when the backend's answer must fail the connection
     */
    Optional<String> clientResponse(UpstreamDialer.Upgraded up, WritableHeaders<?> clientHeaders) {
        if (!Handshake.acceptKey(backendKey).equals(up.head().header("Sec-WebSocket-Accept"))) {
            return Optional.empty();
        }
        // every line counts: an extension the proxy did not offer, even on a second line, fails the
        // handshake (RFC 6455 §4.1)
        String backendExtensions = up.head().joined("Sec-WebSocket-Extensions");
        if (backendOffer == null && backendExtensions != null) {
            return Optional.empty();
        }
        if (backendOffer != null) {
            try {
                backendDeflate = DeflateNegotiation.checkResponse(backendExtensions, backendOffer);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        StringBuilder head = new StringBuilder(256).append("HTTP/1.1 101 Switching Protocols\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ")
                .append(Handshake.acceptKey(clientHeaders.first(TunnelUpgrader.SEC_WEBSOCKET_KEY).orElse("")))
                .append("\r\n");
        String protocol = up.head().header("Sec-WebSocket-Protocol");
        if (protocol != null) {
            head.append("Sec-WebSocket-Protocol: ").append(protocol).append("\r\n");
        }
        backendHeaders(up.head(), head);
        if (deflate.client()) {
            List<String> offers = clientHeaders.all(TunnelUpgrader.SEC_WEBSOCKET_EXTENSIONS, List::of);
            DeflateNegotiation.accept(offers, deflate.contextTakeover()).ifPresent(a -> {
                clientDeflate = a.params();
                head.append("Sec-WebSocket-Extensions: ").append(a.response()).append("\r\n");
            });
        }
        return Optional.of(head.append("\r\n").toString());
    }

    /**
     * The backend's own headers in its 101 (a {@code Set-Cookie}, a trace id...) reach the client
     * as in tunnel mode, except hop-by-hop ones (RFC 9110 §7.6.1) and the handshake headers that
     * belong to the backend's leg.
     */
    private static void backendHeaders(ResponseHead backend101, StringBuilder head) {
        String connection = backend101.header("Connection");
        Set<String> skip = new HashSet<>(HopByHop.names(connection == null ? List.of() : List.of(connection)));
        skip.addAll(LEG_HEADERS);
        for (String line : backend101.headerLines()) {
            int colon = line.indexOf(':');
            if (colon > 0 && !skip.contains(line.substring(0, colon).trim().toLowerCase(Locale.ROOT))) {
                head.append(line).append("\r\n");
            }
        }
    }

    /** The decompressor for messages read from {@code side}, or null when that leg is plain. */
    MessageInflater inflater(Side side) {
        DeflateParams p = params(side);
        return p == null ? null : new MessageInflater(p);
    }

    /** The compressor for messages written to {@code side}, or null when that leg is plain. */
    MessageDeflater deflater(Side side) {
        DeflateParams p = params(side);
        return p == null ? null : new MessageDeflater(p, deflate.level(), (int) Math.min(Integer.MAX_VALUE, deflate.minSize()));
    }

    /** What was agreed on a leg, for the access log: "permessage-deflate" or "none". */
    String extensions(Side side) {
        return params(side) == null ? "none" : DeflateNegotiation.NAME;
    }

    private DeflateParams params(Side side) {
        return side == Side.DOWNSTREAM ? clientDeflate : backendDeflate;
    }
}
