package io.switchboard.route;

import java.net.InetSocketAddress;

import io.helidon.common.socket.PeerInfo;
import io.helidon.http.Headers;

/**
 * What routing and sticky keys need to know of a request, the same for a WebSocket upgrade and a
 * plain HTTP request.
 *
 * @param clientIp the downstream peer's IP address (no port)
 * @param host     the {@code Host} header, or empty
 * @param path     the raw path, without query
 * @param rawQuery the raw query string without {@code ?}, or empty
 * @param headers  the request headers
 */
public record RequestInfo(String clientIp, String host, String path, String rawQuery, Headers headers) {
    /**
     * The IP address of a peer, without port (the socket's own address, never a header); for the
     * acceptor's own loopback connection to Helidon, the client's behind it ({@link SplicedPeers}).
     */
    public static String ipOf(PeerInfo peer) {
        if (peer.address() instanceof InetSocketAddress isa && isa.getAddress() != null) {
            if (isa.getAddress().isLoopbackAddress()) {
                String client = SplicedPeers.clientBehind(isa);
                if (client != null) {
                    return client;
                }
            }
            return isa.getAddress().getHostAddress();
        }
        return peer.host();
    }
}
