package io.switchboard.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.switchboard.balance.Backend;
import io.switchboard.config.Timeouts;
import io.switchboard.drain.Gate;
import io.switchboard.drain.Registry;
import io.switchboard.metrics.ProxyMetrics;
import io.switchboard.log.AccessLog;
import io.switchboard.route.RequestInfo;
import io.switchboard.route.RouteTarget;
import io.switchboard.route.Routes;
import io.switchboard.ws.Handshake;

/**
 * Forwards plain HTTP requests to the matched route's pool through Helidon's WebClient (keep-alive
 * connections are reused per backend). Bodies stream both ways in 8 KiB steps with a flush after
 * each, so a Server-Sent Events stream reaches the client event by event and a large upload or
 * download never sits in memory. Hop-by-hop headers are dropped (RFC 9110 §7.6.1) and
 * {@code X-Forwarded-*} added. Only a request without a body is retried on the next backend, and
 * only after a connect failure: a body that has started to stream cannot be replayed, and a backend
 * that took the request may have acted on it (RFC 9110 §9.2.2), so a reset or a timeout after the
 * connect is answered (502, 504), never sent to a second backend.
 *
 * <p>An answer whose body fails part way (the backend dies, the client goes, a drain's deadline) is
 * left unfinished: the connection ends without the last chunk, so the client cannot take a cut
 * body for a whole one. An answer that finished ends the connection properly after it when it
 * says {@code Connection: close}.
 */
public final class HttpForwarder implements Handler {
    private static final int CHUNK = 8192;

    private final Supplier<Routes> routes;
    private final Gate gate;
    private final Registry registry;
    private final ProxyMetrics metrics;
    /**
     * A client per backend TLS setting and connect timeout (Helidon sets that per client, not per
     * request), so a reload that changes {@code timeouts.connect} applies to the next request; the
     * read timeout is set per request from the config running then.
     */
    private final java.util.Map<ClientKey, WebClient> clients = new java.util.concurrent.ConcurrentHashMap<>();

    private record ClientKey(io.switchboard.config.BackendTls tls, Duration connect) {
    }

    /**
     * @param routes   the current routing table; its timeouts set connect and read limits, request by request
     * @param gate     while draining, responses carry {@code Connection: close}
     * @param registry where requests are counted so a drain waits for them, and streaming answers registered so it can end them
     * @param metrics  counts requests by status
     */
    public HttpForwarder(Supplier<Routes> routes, Gate gate, Registry registry, ProxyMetrics metrics) {
        this.routes = routes;
        this.metrics = metrics;
        this.gate = gate;
        this.registry = registry;
    }

    private WebClient newClient(ClientKey key) {
        var builder = WebClient.builder()
                .followRedirects(false)
                .sendExpectContinue(false)
                .shareConnectionCache(false)
                .connectTimeout(key.connect())
                .socketOptions(s -> s.tcpNoDelay(true).connectTimeout(key.connect()));
        if (key.tls() != null) {
            builder.tls(UpstreamTls.helidonTls(key.tls()));
        }
        return builder.build();
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        long started = System.nanoTime();
        RequestInfo info = requestInfo(req);
        boolean[] cut = new boolean[1];
        AccessLog.Line outcome;
        // a SIGTERM's drain waits for the request while it is under way (uploading, waiting for the
        // backend's answer), not only once its answer streams: else server.stop() cut it
        registry.requestStarted();
        try {
            outcome = forward(req, res, info, cut);
        } finally {
            registry.requestEnded();
        }
        metrics.httpRequest(res.status().code());
        AccessLog.line("http").add("client", info.clientIp()).add("method", req.prologue().method().text())
                .add("path", info.path()).add("status", res.status().code()).addAll(outcome)
                .add("duration", Duration.ofNanos(System.nanoTime() - started).toMillis() + "ms").write();
        if (cut[0]) {
            // Helidon writes the last chunk when the handler returns: ending the connection first
            // is what tells the client the body is incomplete
            throw new CloseConnectionException("response body cut");
        }
        if (res.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) { // every path above has answered
            // the answer said "Connection: close" (the client asked for it, or the proxy refused or
            // is draining): RFC 9112 §9.6 has the server close the connection after it, and
            // Helidon 4.5 would instead wait for a next request until its idle timeout; the
            // exception is Helidon's way for a handler to end the connection, logged at TRACE.
            // Helidon finishes a streamed answer (its last chunk) only when the handler returns
            // normally, so it is finished here first
            if (res instanceof RoutingResponse routing) {
                routing.commit();
            }
            throw new CloseConnectionException("Connection: close answered");
        }
    }

    /** The backend's answer had begun when it failed: no other backend may be asked, and its body is incomplete. */
    private static final class Aborted extends RuntimeException {
        Aborted(String why) {
            super(why, null, false, false);
        }
    }

    /** @param cut set when the answer's body began and could not be finished */
    private AccessLog.Line forward(ServerRequest req, ServerResponse res, RequestInfo info, boolean[] cut) {
        if (Handshake.hasToken(req.headers().first(HeaderNames.UPGRADE).orElse(null), "websocket")) {
            // Helidon never upgrades a request with a body, and its exact-match lookup misses
            // unusual spellings of the token: both land here, and neither may be forwarded
            return error(res, 400, req.content().hasEntity() ? "a WebSocket upgrade must not carry a body"
                    : "unsupported spelling of 'Upgrade: websocket'; send 'websocket'");
        }
        RouteTarget target = routes.get().match(info);
        if (target == null) {
            return error(res, 404, "no route for " + info.host() + info.path());
        }
        List<Backend> candidates = target.pool().candidates(target.stickyKey(info));
        if (candidates.isEmpty()) {
            return error(res, 503, "pool '" + target.pool().name() + "' has no usable backend");
        }
        boolean hasBody = req.content().hasEntity();
        int attempts = hasBody ? 1 : Math.min(target.config().attempts(), candidates.size());
        StringBuilder failures = new StringBuilder();
        boolean timedOut = false;
        for (Backend backend : candidates.subList(0, attempts)) {
            try (HttpClientResponse up = send(req, info, backend, hasBody, target.config().tls().orElse(null))) {
                target.pool().reportSuccess(backend);
                relayResponse(req, up, res, new HttpStream(target.pool().name(), backend.id(), up, isEventStream(up.headers())));
                return AccessLog.line("http").add("backend", backend.id());
            } catch (Aborted e) {
                if (res instanceof RoutingResponse routing && routing.reset()) { // nothing reached the client yet: it can still be told
                    return error(res, 502, "the backend's answer failed").add("backend", backend.id())
                            .add("aborted", String.valueOf(e.getMessage()));
                }
                cut[0] = true;
                return AccessLog.line("http").add("backend", backend.id()).add("aborted", String.valueOf(e.getMessage()));
            } catch (RuntimeException e) {
                failures.append(failures.isEmpty() ? "" : "; ").append(backend.id()).append(": ").append(e.getMessage());
                if (isConnectFailure(e)) {
                    target.pool().reportFailure(backend);
                } else if (!has(e, javax.net.ssl.SSLHandshakeException.class)) {
                    // past the connect (and, with TLS, its handshake) the backend had the request:
                    // another may not be asked to do it again
                    timedOut = has(e, java.net.SocketTimeoutException.class);
                    break;
                } // a failed TLS handshake is not an outage: the next backend is tried, this one not ejected
            }
        }
        // the client learns the pool, not the backends' addresses or their errors' text; the log has them
        return error(res, timedOut ? 504 : 502, "no backend of pool '" + target.pool().name() + "' answered")
                .add("failures", failures.toString());
    }

    private HttpClientResponse send(ServerRequest req, RequestInfo info, Backend backend, boolean hasBody,
                                    io.switchboard.config.BackendTls tls) {
        String target = (tls == null ? "http://" : "https://") + backend.id() + info.path()
                + (info.rawQuery().isEmpty() ? "" : "?" + info.rawQuery());
        Timeouts timeouts = routes.get().config().timeouts();
        WebClient via = clients.computeIfAbsent(new ClientKey(tls, timeouts.connect()), this::newClient);
        HttpClientRequest creq = via.method(req.prologue().method())
                .uri(URI.create(target))
                .skipUriEncoding(true)
                .readTimeout(timeouts.httpRead());
        copyRequestHeaders(req, info, creq);
        if (!hasBody) {
            return creq.request();
        }
        return creq.outputStream(os -> {
            try (InputStream in = req.content().inputStream()) {
                in.transferTo(os);
            }
            os.close();
        });
    }

    private static void copyRequestHeaders(ServerRequest req, RequestInfo info, HttpClientRequest creq) {
        ForwardedHeaders.endToEnd(req.headers()).forEach(creq::header);
        ForwardedHeaders.added(req.headers(), info, req.isSecure()).forEach((name, value) -> creq.headers().set(HeaderNames.create(name), value));
    }

    private void relayResponse(ServerRequest req, HttpClientResponse up, ServerResponse res, HttpStream stream) {
        if (up.headers().contains(HeaderNames.CONTENT_LENGTH) && up.headers().contains(HeaderNames.TRANSFER_ENCODING)) {
            // RFC 9112 §6.3: framed both ways, the answer cannot be trusted (the client library takes
            // the length, the RFC the chunks): relaying either could smuggle a second response
            throw new Aborted("the backend's answer has both Content-Length and Transfer-Encoding");
        }
        res.status(up.status());
        if (gate.refusing()) {
            res.header(HeaderNames.CONNECTION, "close"); // draining: clients reconnect elsewhere
        }
        Set<String> skip = HopByHop.names(up.headers());
        int code = up.status().code(); // by number: a status line with another reason phrase is another Status object
        // RFC 9110 §8.6: a 304 may carry the Content-Length of the representation it stands for, but
        // it has no body; Helidon answers a bodiless response whose Content-Length is not 0 with 500
        boolean bodiless = code == 204 || code == 205 || code == 304;
        for (Header h : up.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (!skip.contains(name) && !(bodiless && name.equals("content-length"))) {
                res.header(h);
            }
        }
        if (req.prologue().method() == Method.HEAD || bodiless) {
            res.send();
            return;
        }
        registry.add(stream); // a process drain waits for it (HttpStream says which ones it ends)
        try (InputStream in = up.inputStream(); OutputStream os = res.outputStream()) {
            copy(in, os, stream);
        } catch (IOException | RuntimeException e) {
            if (!stream.draining() || stream.isCut()) {
                throw new Aborted(String.valueOf(e.getMessage()));
            }
        } finally {
            registry.remove(stream);
        }
        if (stream.isCut()) {
            throw new Aborted("cut at the drain deadline");
        }
    }

    /** Whether an answer is Server-Sent Events ({@code text/event-stream}, any parameters). */
    static boolean isEventStream(io.helidon.http.Headers headers) {
        return headers.first(HeaderNames.CONTENT_TYPE)
                .map(v -> v.trim().toLowerCase(Locale.ROOT).startsWith("text/event-stream")).orElse(false);
    }

    private static void copy(InputStream in, OutputStream os, HttpStream stream) throws IOException {
        byte[] buf = new byte[CHUNK];
        int n;
        try {
            while (!stream.draining() && (n = in.read(buf)) >= 0) {
                if (n > 0) {
                    os.write(buf, 0, n);
                    os.flush(); // Helidon holds back the first chunk otherwise; SSE needs every event now
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!stream.draining()) {
                throw e;
            }
            // a drain closed the upstream under the read: end the response normally
        }
    }

    /** Refused, unreachable, timed out connecting, or a name that does not resolve: nothing was sent. */
    private static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof java.net.NoRouteToHostException
                    || t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException
                    // Helidon 4.5's DefaultDnsResolver turns UnknownHostException into this, cause and all dropped
                    || t instanceof IllegalArgumentException && String.valueOf(t.getMessage()).startsWith("Failed to get address for host")
                    || t instanceof java.net.SocketTimeoutException && String.valueOf(t.getMessage()).contains("onnect")) {
                return true;
            }
        }
        return false;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> kind) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static AccessLog.Line error(ServerResponse res, int status, String reason) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        res.header(HeaderNames.CONNECTION, "close");
        res.send((reason + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return AccessLog.line("http").add("reason", reason);
    }

    private static RequestInfo requestInfo(ServerRequest req) {
        return new RequestInfo(RequestInfo.ipOf(req.remotePeer()), req.headers().first(HeaderNames.HOST).orElse(""),
                req.prologue().uriPath().rawPath(), req.prologue().query().rawValue(), req.headers());
    }
}
