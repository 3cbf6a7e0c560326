package io.switchboard.tunnel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.switchboard.config.Mode;
import io.switchboard.config.Timeouts;
import io.switchboard.config.WebSocketPolicy;
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
    /** {@code Sec-WebSocket-Extensions} (RFC 6455 §11.3.2). */
    public static final HeaderName SEC_WEBSOCKET_EXTENSIONS = HeaderNames.create("Sec-WebSocket-Extensions");

    private final Supplier<Routes> routes;
    private final TunnelServices services;
    private final Admission admission = new Admission();

    /**
     * @param routes   the current routing table (swapped on reload)
     * @param services the scheduler, gate, registry and metrics every tunnel shares
     */
    public TunnelUpgrader(Supplier<Routes> routes, TunnelServices services) {
        this.routes = routes;
        this.services = services;
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
            return refuse(ctx, request, refusal.status(), "bad_handshake", refusal.reason(), extra);
        }
        if (services.gate().refusing()) {
            return refuse(ctx, request, 503, "draining", "draining: this instance is shutting down, retry",
                    "Retry-After: 1\r\n");
        }
        Routes table = routes.get();
        RouteTarget target = table.match(request);
        if (target == null) {
            return refuse(ctx, request, 404, "no_route", "no route for " + request.host() + request.path(), "");
        }
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        if (!target.route().allowsOrigin(origin)) {
            return refuse(ctx, request, 403, "origin", "origin '" + origin + "' is not allowed on this route", "");
        }
        Admission.Refusal[] over = new Admission.Refusal[1];
        Admission.Ticket ticket = admission.admit(request.clientIp(), table.config().limits(), over);
        if (ticket == null) {
            return refuse(ctx, request, over[0].status(), over[0].word(), over[0].reason(), "Retry-After: 1\r\n");
        }
        String key = target.stickyKey(request);
        boolean terminate = target.route().mode() == Mode.TERMINATE;
        TerminateHandshake handshake = terminate ? new TerminateHandshake(target.route().deflate()) : null;
        byte[] head = UpstreamRequest.head(request, headers, ctx.isSecure(), handshake);
        Timeouts timeouts = table.config().timeouts();
        UpstreamDialer.Outcome outcome = new UpstreamDialer(timeouts).dial(target, key, head);
        AccessLog.Line prefix = AccessLog.line("ws").add("client", request.clientIp()).add("path", request.path())
                .add("route", target.route().path()).add("pool", target.pool().name()).add("key", AccessLog.hashKey(key));
        if (!(outcome instanceof UpstreamDialer.Upgraded)) {
            ticket.close();
        }
        return switch (outcome) {
            case UpstreamDialer.Failed f -> refuse(ctx, request, f.status(), f.status() == 503 ? "no_backend"
                    : f.status() == 504 ? "upstream_timeout" : "upstream_unreachable", f.reason(), "");
            case UpstreamDialer.Answered a -> relayRefusal(ctx, a, prefix);
            case UpstreamDialer.Upgraded u -> {
                String clientHead = terminate ? handshake.clientResponse(u, headers).orElse(null) : "";
                if (clientHead == null) {
                    ticket.close();
                    u.lease().close();
                    UpstreamDialer.closeQuietly(u.socket());
                    yield refuse(ctx, request, 502, "upstream_handshake", "backend " + u.backend().id()
                            + " answered the upgrade with a wrong Sec-WebSocket-Accept or extensions not as offered", "");
                }
                yield open(ctx, u, timeouts, target.route().websocket(),
                        new TunnelConnection.Placement(target.route().path(), target.pool().name(), u.backend().id(), key),
                        ticket, handshake, terminate ? clientHead.getBytes(StandardCharsets.ISO_8859_1) : u.head().raw(),
                        prefix.add("mode", target.route().mode().yamlName()).add("backend", u.backend().id()));
            }
        };
    }

    private ServerConnection open(ConnectionContext ctx, UpstreamDialer.Upgraded up, Timeouts timeouts,
                                  WebSocketPolicy policy, TunnelConnection.Placement placement,
                                  Admission.Ticket ticket, TerminateHandshake handshake, byte[] clientHead,
                                  AccessLog.Line prefix) {
        try {
            TunnelConnection tunnel = new TunnelConnection(ctx, up, services, timeouts.close(), policy, placement,
                    ticket, handshake, prefix);
            services.metrics().upgrade(101, "ok");
            // tunnel: the backend's 101 verbatim (subprotocol and extensions as it chose them);
            // terminate: the proxy's own 101
            HttpErrors.write(ctx, clientHead);
            return tunnel;
        } catch (IOException e) {
            ticket.close();
            up.lease().close();
            UpstreamDialer.closeQuietly(up.socket());
            services.metrics().upgrade(502, "upstream_unreachable");
            return HttpErrors.respond(ctx, 502, "backend connection failed: " + e.getMessage(), "");
        }
    }

    private ServerConnection relayRefusal(ConnectionContext ctx, UpstreamDialer.Answered a, AccessLog.Line prefix) {
        byte[] body = UpstreamDialer.readBody(a);
        UpstreamDialer.closeQuietly(a.socket());
        HttpErrors.write(ctx, a.head().raw());
        HttpErrors.write(ctx, body);
        prefix.add("backend", a.backend().id()).add("status", a.head().status()).add("refused", "by the backend").write();
        services.metrics().upgrade(a.head().status(), "backend_refused");
        return HttpErrors.finished();
    }

    private ServerConnection refuse(ConnectionContext ctx, RequestInfo request, int status, String word, String reason,
                                    String extra) {
        services.metrics().upgrade(status, word);
        AccessLog.line("ws").add("client", request.clientIp()).add("path", request.path()).add("status", status)
                .add("refused", reason).write();
        return HttpErrors.respond(ctx, status, reason, extra);
    }

    static RequestInfo requestInfo(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        return new RequestInfo(RequestInfo.ipOf(ctx.remotePeer()), headers.first(HeaderNames.HOST).orElse(""),
                prologue.uriPath().rawPath(), prologue.query().rawValue(), headers);
    }

}
