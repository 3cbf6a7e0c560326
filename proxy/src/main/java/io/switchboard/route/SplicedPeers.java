package io.switchboard.route;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clients behind the proxy's own loopback connections to Helidon: when the acceptor hands a
 * connection it does not handle itself (plain HTTP) to Helidon's loopback listener, Helidon sees
 * the acceptor's socket as its peer. The acceptor notes here which client that socket carries,
 * keyed by the socket's local address and port, for as long as the connection lasts, so
 * {@link RequestInfo#ipOf} (routing, sticky keys, {@code X-Forwarded-For}, the access log) still
 * names the client. A lookup costs no system call and nothing is sent on the wire, so no other
 * local process can claim to be someone else: a peer not noted here is taken as itself.
 */
public final class SplicedPeers {
    private static final Map<InetSocketAddress, String> CLIENTS = new ConcurrentHashMap<>();

    private SplicedPeers() {
    }

    /** The loopback socket bound to {@code local} carries {@code clientIp} from now on. */
    public static void noted(InetSocketAddress local, String clientIp) {
        CLIENTS.put(local, clientIp);
    }

    /** The socket bound to {@code local} has closed. */
    public static void forgotten(InetSocketAddress local) {
        CLIENTS.remove(local);
    }

    /** The client behind the peer {@code peer}, or null when the peer is not one of ours. */
    static String clientBehind(InetSocketAddress peer) {
        return CLIENTS.get(peer);
    }
}
