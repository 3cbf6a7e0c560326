package io.switchboard.server;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.Http1ConnectionSelectorConfig;
import io.switchboard.config.ProxyConfig;
import io.switchboard.http.HttpForwarder;
import io.switchboard.route.Routes;
import io.switchboard.tunnel.TcpKeepAlive;
import io.switchboard.tunnel.TunnelUpgrader;

/**
 * A running proxy: one Helidon listener whose HTTP/1 connections hand WebSocket upgrades to the
 * {@link TunnelUpgrader} and every other request to the {@link HttpForwarder}. Start with
 * {@link #start}, stop with {@link #close}; Helidon's JVM shutdown hook also stops it on
 * SIGTERM/SIGINT.
 */
public final class Switchboard implements AutoCloseable {
    private final WebServer server;
    private final ScheduledExecutorService timers;
    private final Routes routes;

    private Switchboard(WebServer server, ScheduledExecutorService timers, Routes routes) {
        this.server = server;
        this.timers = timers;
        this.routes = routes;
    }

    /**
     * Binds the listener of {@code config} and starts serving.
     *
     * @throws RuntimeException when the address cannot be bound
     */
    public static Switchboard start(ProxyConfig config) {
        Routes routes = new Routes(config, System::nanoTime);
        // one delay queue for every connection's timers; cancelled timers leave it at once
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "switchboard-timers");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        TunnelUpgrader upgrader = new TunnelUpgrader(routes, timers);
        Duration handshake = config.timeouts().handshake();
        Http1Config http1 = Http1Config.builder()
                .addReceiveListener(new HandshakeDeadline(timers, handshake))
                .build();
        Http1ConnectionSelectorConfig.Builder selector = Http1ConnectionSelector.builder().config(http1);
        for (String spelling : TunnelUpgrader.SPELLINGS) {
            selector.putUpgrader(spelling, upgrader);
        }
        HttpForwarder forwarder = new HttpForwarder(routes);
        WebServer server = WebServer.builder()
                .host(config.listen().host())
                .port(config.listen().port())
                .addConnectionSelector(selector.build())
                // a connection that sends no request line within the handshake timeout is closed
                .idleConnectionTimeout(handshake)
                .idleConnectionPeriod(Duration.ofMillis(Math.max(100, Math.min(1000, handshake.toMillis() / 4))))
                .connectionOptions(o -> o.socketOptions(TcpKeepAlive.options()).tcpNoDelay(true))
                .routing(r -> r.any(forwarder))
                .build()
                .start();
        return new Switchboard(server, timers, routes);
    }

    /** The bound port (useful when the config asked for port 0). */
    public int port() {
        return server.port();
    }

    /** The routing table with its live pools. */
    public Routes routes() {
        return routes;
    }

    @Override
    public void close() {
        server.stop();
        timers.shutdownNow();
    }
}
