package io.switchboard.tunnel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

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
    private static final Logger LOG = Logger.getLogger(TunnelUpgrader.class.getName());
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

    private final TunnelServices services;
    private final Admission admission = new Admission();

    /**
     * @param services the routing table, scheduler, gate, registry and metrics every tunnel shares
     */
    public TunnelUpgrader(TunnelServices services) {
        this.services = services;
    }

    @Override
    public String supportedProtocol() {
        return "websocket";
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        RequestInfo request = requestInfo(ctx, prologue, headers);
        Routes table = services.routes().get();
        return upgrade(new HelidonClient(ctx), request, prologue.method().text(), prologue.protocolVersion(), headers,
                table, table.match(request));
    }

    /**
     * An upgrade the {@link Acceptor} read on the event loop, whose client socket is already the
     * loop's. Returns false, having done nothing, when the route's backends need a blocking dial
     * (TLS to the backend): the caller then hands the connection to Helidon as it came.
     */
    boolean upgradeOnLoop(ClientEnd.Accepted end, RequestInfo request, RequestHead head) {
        Routes table = services.routes().get();
        RouteTarget target = table.match(request);
        if (target != null && !target.config().tls().isEmpty()) {
            return false;
        }
        upgrade(new LoopClient(end), request, head.method(), RequestHead.VERSION, head.headers(), table, target);
        return true;
    }

    /**
     * @param table  the routing table this upgrade is judged by (one snapshot, even across a reload)
     * @param target what {@code request} matches in it (null: no route)
     */
    private ServerConnection upgrade(Client client, RequestInfo request, String method, String version,
                                     WritableHeaders<?> headers, Routes table, RouteTarget target) {
        Handshake.Refusal refusal = Handshake.validate(new Handshake.Request(method, version, request.host(),
                headers.first(HeaderNames.CONNECTION).orElse(null),
                headers.first(SEC_WEBSOCKET_KEY).orElse(null),
                headers.first(SEC_WEBSOCKET_VERSION).orElse(null)));
        if (refusal != null) {
            String extra = refusal.status() == 426 ? "Sec-WebSocket-Version: 13\r\n" : "";
            return refuse(client.end(), request, refusal.status(), "bad_handshake", refusal.reason(), extra);
        }
        if (services.gate().refusing()) {
            return refuseDraining(client.end(), request);
        }
        if (target == null) {
            return refuse(client.end(), request, 404, "no_route", "no route for " + request.host() + request.path(), "");
        }
        String origin = headers.first(HeaderNames.ORIGIN).orElse(null);
        if (!target.route().allowsOrigin(origin)) {
            return refuse(client.end(), request, 403, "origin", "origin '" + origin + "' is not allowed on this route", "");
        }
        Admission.Refusal[] over = new Admission.Refusal[1];
        Admission.Ticket ticket = admission.admit(request.clientIp(), table.config().limits(), over);
        if (ticket == null) {
            return refuse(client.end(), request, over[0].status(), over[0].word(), over[0].reason(), "Retry-After: 1\r\n");
        }
        String key = target.stickyKey(request);
        boolean terminate = target.route().mode() == Mode.TERMINATE;
        TerminateHandshake handshake = terminate ? new TerminateHandshake(target.route().deflate()) : null;
        Timeouts timeouts = table.config().timeouts();
        Dial dial = new Dial(request, target, key, handshake, headers, timeouts, ticket,
                AccessLog.line("ws").add("client", request.clientIp()).add("path", request.path())
                        .add("route", target.route().path()).add("pool", target.pool().name())
                        .addHashed("key", key));
        return dial(client, dial, UpstreamRequest.head(request, headers, client.secure(), handshake),
                new DialPlan(target, key, timeouts));
    }

    /**
     * Dials on an event loop when both legs are plain TCP (Helidon's thread, if any, returns at
     * once), else on this thread; either way {@link #complete} answers the client.
     */
    private ServerConnection dial(Client client, Dial dial, byte[] head, DialPlan plan) {
        RouteTarget target = dial.target();
        services.registry().openingStarted(); // ended in complete(), whatever the outcome
        if (services.gate().refusing()) {
            // asked again once counted: a SIGTERM's drain sets the gate and then waits for the
            // count to reach zero, so an upgrade that passed the first check just before the gate
            // closed is either seen here or waited for, never cut off by the exit
            services.registry().openingEnded();
            plan.release();
            dial.ticket().close();
            return refuseDraining(client.end(), dial.request());
        }
        ClientEnd detached = target.config().tls().isEmpty() ? client.detach() : null;
        if (detached != null) {
            // plain TCP both ways: the dial and the tunnel run on an event loop
            ChannelLoop loop = client.loop();
            LoopDialer.start(loop, services.timers(), plan, head, outcome -> {
                try {
                    complete(dial, outcome, detached, loop);
                } catch (RuntimeException e) {
                    // a bug must not leave the client hanging: it loses its connection, the loop goes on
                    LOG.log(Level.WARNING, "upgrade of " + dial.request().path() + " failed after the dial: " + e, e);
                    abandon(dial, outcome);
                    UpstreamDialer.closeQuietly(detached.channel());
                }
            });
            return HttpErrors.finished();
        }
        UpstreamDialer.Outcome outcome;
        try {
            outcome = UpstreamDialer.dial(plan, head, target.config().tls());
        } catch (RuntimeException e) {
            services.registry().openingEnded();
            plan.release();
            dial.ticket().close();
            throw e;
        }
        try {
            return complete(dial, outcome, client.end(), null);
        } catch (RuntimeException e) {
            abandon(dial, outcome);
            throw e; // Helidon closes the client's connection
        }
    }

    /**
     * A bug threw after the dial: what the outcome holds (the backend's socket, its lease, the
     * client's admission ticket) is given back, so the counts stay true. Closing twice is harmless.
     */
    private static void abandon(Dial d, UpstreamDialer.Outcome outcome) {
        d.ticket().close();
        if (outcome instanceof UpstreamDialer.Upgraded u) {
            u.lease().close();
            UpstreamDialer.closeQuietly(u.connection());
        }
    }

    /** Where the upgrade came from: Helidon's connection, or the acceptor's socket on the loop. */
    private interface Client {
        /** Where refusals and a blocking dial's answer go. */
        ClientEnd end();

        /** The client's socket for a dial on the loop, or null when it cannot be had (then the dial blocks). */
        ClientEnd detach();

        /** The loop to dial on. */
        ChannelLoop loop();

        /** Whether the client connection has TLS. */
        boolean secure();
    }

    private record HelidonClient(ConnectionContext ctx) implements Client {
        @Override
        public ClientEnd end() {
            return new ClientEnd.Attached(ctx);
        }

        @Override
        public ClientEnd detach() {
            return ClientEnd.Detached.from(ctx);
        }

        @Override
        public ChannelLoop loop() {
            return ChannelLoop.next();
        }

        @Override
        public boolean secure() {
            return ctx.isSecure();
        }
    }

    private record LoopClient(ClientEnd.Accepted end) implements Client {
        @Override
        public ClientEnd detach() {
            return end;
        }

        @Override
        public ChannelLoop loop() {
            return end.loop();
        }

        @Override
        public boolean secure() {
            return false;
        }
    }

    /** What an upgrade needs once its dial has an outcome. */
    private record Dial(RequestInfo request, RouteTarget target, String key, TerminateHandshake handshake,
                        WritableHeaders<?> headers, Timeouts timeouts, Admission.Ticket ticket, AccessLog.Line prefix) {
    }

    /**
     * Answers the client from the dial's outcome: a tunnel, the backend's own refusal, or the
     * proxy's error. Runs on Helidon's thread (blocking dial) or the loop's (loop dial).
     *
     * @param loop the loop the dial ran on, or null
     */
    private ServerConnection complete(Dial d, UpstreamDialer.Outcome outcome, ClientEnd end, ChannelLoop loop) {
        try {
            return answer(d, outcome, end, loop);
        } finally {
            services.registry().openingEnded();
        }
    }

    private ServerConnection answer(Dial d, UpstreamDialer.Outcome outcome, ClientEnd end, ChannelLoop loop) {
        if (!(outcome instanceof UpstreamDialer.Upgraded)) {
            d.ticket().close();
        }
        return switch (outcome) {
            case UpstreamDialer.Failed f -> refuse(end, d.request(), f.status(), f.status() == 503 ? "no_backend"
                    : f.status() == 504 ? "upstream_timeout" : "upstream_unreachable", f.reason(), f.detail(), "");
            case UpstreamDialer.Answered a -> relayRefusal(end, a, d.prefix());
            case UpstreamDialer.Upgraded u -> {
                boolean terminate = d.handshake() != null;
                String clientHead = terminate ? d.handshake().clientResponse(u, d.headers()).orElse(null) : "";
                if (clientHead == null) {
                    d.ticket().close();
                    u.lease().close();
                    UpstreamDialer.closeQuietly(u.connection());
                    yield refuse(end, d.request(), 502, "upstream_handshake", "backend " + u.backend().id()
                            + " answered the upgrade with a wrong Sec-WebSocket-Accept or extensions not as offered", "");
                }
                RouteTarget target = d.target();
                yield open(end, loop, u, d, new TunnelConnection.Placement(target.route().path(), target.pool().name(),
                                u.backend().id(), d.key()),
                        terminate ? clientHead.getBytes(StandardCharsets.ISO_8859_1) : u.head().raw(),
                        d.prefix().add("mode", target.route().mode().yamlName()).add("backend", u.backend().id()));
            }
        };
    }

    private ServerConnection open(ClientEnd end, ChannelLoop loop, UpstreamDialer.Upgraded up, Dial d,
                                  TunnelConnection.Placement placement, byte[] clientHead, AccessLog.Line prefix) {
        TunnelConnection tunnel;
        try {
            tunnel = new TunnelConnection(end, loop, up, services, d.timeouts().close(), d.target().route().websocket(),
                    placement, d.ticket(), d.handshake(), prefix);
        } catch (IOException e) {
            d.ticket().close();
            up.lease().close();
            UpstreamDialer.closeQuietly(up.connection());
            return refuse(end, d.request(), 502, "upstream_unreachable", "backend connection failed: " + e.getMessage(), "");
        }
        tunnel.track();
        services.metrics().upgrade(101, "ok");
        // tunnel: the backend's 101 verbatim (subprotocol and extensions as it chose them);
        // terminate: the proxy's own 101
        return end.open(tunnel, clientHead);
    }

    private ServerConnection relayRefusal(ClientEnd end, UpstreamDialer.Answered a, AccessLog.Line prefix) {
        prefix.add("backend", a.backend().id()).add("status", a.head().status()).add("refused", "by the backend").write();
        services.metrics().upgrade(a.head().status(), "backend_refused");
        return end.answer(answerLimit(), a.head().raw(), a.body());
    }

    private ServerConnection refuseDraining(ClientEnd end, RequestInfo request) {
        return refuse(end, request, 503, "draining", "draining: this instance is shutting down, retry", "Retry-After: 1\r\n");
    }

    private ServerConnection refuse(ClientEnd end, RequestInfo request, int status, String word, String reason,
                                    String extra) {
        return refuse(end, request, status, word, reason, reason, extra);
    }

    /** As above; {@code detail} (the access log's) may name backends, {@code reason} (the client's) does not. */
    private ServerConnection refuse(ClientEnd end, RequestInfo request, int status, String word, String reason,
                                    String detail, String extra) {
        services.metrics().upgrade(status, word);
        AccessLog.line("ws").add("client", request.clientIp()).add("path", request.path()).add("status", status)
                .add("refused", detail).write();
        return end.answer(answerLimit(), HttpErrors.response(status, reason, extra));
    }

    private ClientEnd.AnswerLimit answerLimit() {
        return new ClientEnd.AnswerLimit(services.timers(), services.routes().get().config().timeouts().handshake());
    }

    static RequestInfo requestInfo(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        return new RequestInfo(RequestInfo.ipOf(ctx.remotePeer()), headers.first(HeaderNames.HOST).orElse(""),
                prologue.uriPath().rawPath(), prologue.query().rawValue(), headers);
    }

}
