package io.switchboard.tunnel;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.switchboard.config.Timeouts;
import io.switchboard.config.WebSocketPolicy;
import io.switchboard.drain.Gate;
import io.switchboard.drain.Registry;
import io.switchboard.log.AccessLog;
import io.switchboard.route.RequestInfo;
import io.switchboard.route.RouteTarget;
import io.switchboard.route.Routes;
import io.switchboard.ws.Handshake;

/**
 * Takes every WebSocket upgrade before Helidon's own WebSocket code (it is registered on the
 * HTTP/1 connection selector under each spelling of {@code websocket}, see {@link #SPELLINGS}),
 * validates it (RFC 6455 §4.2.1), routes it, dials the backend and turns the connection into a
 * {@link TunnelConnection}.
 *
 * <p>Refusals: 400 malformed request or key, 426 (with {@code Sec-WebSocket-Version: 13}) for
 * another version, 404 no route, 503 no usable backend in the pool, 502 no backend reachable,
 * 504 backends accepted TCP but never answered the upgrade. A backend's own non-5xx refusal
 * (401, 403, 404...) is relayed to the client as is.
 */
public final class TunnelUpgrader implements Http1Upgrader {
    /**
     * Helidon looks upgraders up by the exact {@code Upgrade} header value, so each common spelling
     * is registered; the token itself is case-insensitive (RFC 9110 §7.8).
     */
    public static final List<String> SPELLINGS = List.of("websocket", "WebSocket", "Websocket", "WEBSOCKET");
    /** {@code Sec-WebSocket-Key} (RFC 6455 §11.3.1). */
    public static final HeaderName SEC_WEBSOCKET_KEY = HeaderNames.create("Sec-WebSocket-Key");
    /** {@code Sec-WebSocket-Version} (RFC 6455 §11.3.5). */
    public static final HeaderName SEC_WEBSOCKET_VERSION = HeaderNames.create("Sec-WebSocket-Version");

    private final Supplier<Routes> routes;
    private final ScheduledExecutorService timers;
    private final Gate gate;
    private final Registry registry;

    /**
     * @param routes   the current routing table (swapped on reload)
     * @param timers   the shared scheduler for liveness and close timers
     * @param gate     admission state: refuses upgrades while draining
     * @param registry where open tunnels register for drains and reloads
     */
    public TunnelUpgrader(Supplier<Routes> routes, ScheduledExecutorService timers, Gate gate, Registry registry) {
        this.routes = routes;
        this.timers = timers;
        this.gate = gate;
        this.registry = registry;
    }

    @Override
    public String supportedProtocol() {
        return "websocket";
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        RequestInfo request = requestInfo(ctx, prologue, headers);
        Handshake.Refusal refusal = Handshake.validate(new Handshake.Request(
                prologue.method().text(), prologue.protocolVersion(), request.host(),
                headers.first(HeaderNames.CONNECTION).orElse(null),
                headers.first(SEC_WEBSOCKET_KEY).orElse(null),
                headers.first(SEC_WEBSOCKET_VERSION).orElse(null)));
        if (refusal != null) {
            String extra = refusal.status() == 426 ? "Sec-WebSocket-Version: 13\r\n" : "";
            return refuse(ctx, request, refusal.status(), refusal.reason(), extra);
        }
        if (gate.refusing()) {
            return refuse(ctx, request, 503, "draining: this instance is shutting down, retry", "Retry-After: 1\r\n");
        }
        Routes table = routes.get();
        RouteTarget target = table.match(request);
        if (target == null) {
            return refuse(ctx, request, 404, "no route for " + request.host() + request.path(), "");
        }
        String key = target.stickyKey(request);
        byte[] head = UpstreamRequest.head(request, headers, ctx.isSecure());
        Timeouts timeouts = table.config().timeouts();
        UpstreamDialer.Outcome outcome = new UpstreamDialer(timeouts).dial(target, key, head);
        String prefix = "ws client=" + request.clientIp() + " path=" + request.path()
                + " route=" + target.route().path() + " pool=" + target.pool().name()
                + " key=" + AccessLog.hashKey(key);
        return switch (outcome) {
            case UpstreamDialer.Failed f -> refuse(ctx, request, f.status(), f.reason(), "");
            case UpstreamDialer.Answered a -> relayRefusal(ctx, a, prefix);
            case UpstreamDialer.Upgraded u -> open(ctx, u, timeouts, target.route().websocket(),
                    new TunnelConnection.Placement(target.pool().name(), u.backend().id(), key),
                    prefix + " backend=" + u.backend().id());
        };
    }

    private ServerConnection open(ConnectionContext ctx, UpstreamDialer.Upgraded up, Timeouts timeouts,
                                  WebSocketPolicy policy, TunnelConnection.Placement placement, String prefix) {
        try {
            TunnelConnection tunnel = new TunnelConnection(ctx, up, timers, timeouts.close(), policy, placement,
                    registry, prefix);
            // the 101 goes verbatim (subprotocol and extensions as the backend chose them)
            HttpErrors.write(ctx, up.head().raw());
            return tunnel;
        } catch (IOException e) {
            up.lease().close();
            UpstreamDialer.closeQuietly(up.socket());
            return HttpErrors.respond(ctx, 502, "backend connection failed: " + e.getMessage(), "");
        }
    }

    private ServerConnection relayRefusal(ConnectionContext ctx, UpstreamDialer.Answered a, String prefix) {
        byte[] body = UpstreamDialer.readBody(a);
        UpstreamDialer.closeQuietly(a.socket());
        HttpErrors.write(ctx, a.head().raw());
        HttpErrors.write(ctx, body);
        AccessLog.log(prefix + " backend=" + a.backend().id() + " refused status=" + a.head().status());
        return HttpErrors.finished();
    }

    private static ServerConnection refuse(ConnectionContext ctx, RequestInfo request, int status, String reason,
                                           String extra) {
        AccessLog.log("ws client=" + request.clientIp() + " path=" + request.path() + " refused status=" + status
                + " reason=\"" + reason + "\"");
        return HttpErrors.respond(ctx, status, reason, extra);
    }

    static RequestInfo requestInfo(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        return new RequestInfo(RequestInfo.ipOf(ctx.remotePeer()), headers.first(HeaderNames.HOST).orElse(""),
                prologue.uriPath().rawPath(), prologue.query().rawValue(), headers);
    }

}
