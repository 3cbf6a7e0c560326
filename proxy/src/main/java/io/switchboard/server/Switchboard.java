package io.switchboard.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicReference;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.Http1ConnectionSelectorConfig;
import io.switchboard.admin.AdminServer;
import io.switchboard.config.Accept;
import io.switchboard.config.LoopIo;
import io.switchboard.config.ProxyConfig;
import io.switchboard.drain.Gate;
import io.switchboard.drain.Pacer;
import io.switchboard.drain.ProcessDrain;
import io.switchboard.drain.Registry;
import io.switchboard.health.HealthChecker;
import io.switchboard.http.HttpForwarder;
import io.switchboard.log.AccessLog;
import io.switchboard.metrics.ProxyMetrics;
import io.switchboard.route.Routes;
import io.switchboard.tunnel.Acceptor;
import io.switchboard.tunnel.TcpKeepAlive;
import io.switchboard.tunnel.TunnelServices;
import io.switchboard.tunnel.TunnelUpgrader;

/**
 * A running proxy: the main listener, whose HTTP/1 connections hand WebSocket upgrades to the
 * {@link TunnelUpgrader} and every other request to the {@link HttpForwarder}, and the admin
 * listener. Owns the shared pieces: the routing table (swapped on reload), the scheduler, the
 * registry of open connections and the drain machinery. Helidon's own shutdown hook is off: on
 * SIGTERM the drain must run before the listeners stop, because Helidon's stop drops upgraded
 * sockets without a Close frame.
 */
public final class Switchboard implements AutoCloseable {
    private final WebServer server;
    /** The proxy's own listener when the main listener is plain TCP, else null (Helidon listens). */
    private final Acceptor acceptor;
    private final AdminServer admin;
    private final ScheduledThreadPoolExecutor timers;
    private final AtomicReference<Routes> routes;
    private final Registry registry;
    private final ProcessDrain drain;
    private final Reloader reloader;

    private Switchboard(ProxyConfig config, Path file) {
        routes = new AtomicReference<>(new Routes(config, System::nanoTime));
        // one delay queue for every connection's timers; cancelled timers leave it at once
        timers = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "switchboard-timers");
            t.setDaemon(true);
            return t;
        });
        timers.setRemoveOnCancelPolicy(true);
        AccessLog.configure(config.log());
        registry = new Registry();
        ProxyMetrics metrics = new ProxyMetrics();
        metrics.watchBackends(routes::get);
        Gate gate = new Gate();
        Pacer pacer = new Pacer(timers);
        drain = new ProcessDrain(gate, registry, pacer, () -> routes.get().config().drain(), metrics);
        TunnelUpgrader upgrader = new TunnelUpgrader(new TunnelServices(routes::get, timers, gate, registry, metrics));
        boolean own = config.accept() == Accept.LOOP;
        server = listener(config, upgrader, gate, metrics, own);
        if (server.port() < 0) {
            // Helidon logs a failed bind and returns a stopped server rather than throwing
            timers.shutdownNow();
            throw new IllegalStateException("cannot listen on " + (own ? "127.0.0.1:0" : config.listen())
                    + " (address in use, or not this host's?)");
        }
        acceptor = own ? accept(config, upgrader) : null;
        config.tls().ifPresent(files -> TlsLoader.watch(files, server, timers));
        HealthChecker.start(routes::get, timers);
        try {
            admin = AdminServer.start(config.admin(), routes::get, gate, registry, pacer, metrics);
            if (admin.port() < 0) {
                throw new IllegalStateException("cannot listen on " + config.admin().listen()
                        + " for the admin API (address in use, or not this host's?)");
            }
        } catch (RuntimeException e) {
            timers.shutdownNow();
            if (acceptor != null) {
                acceptor.close();
            }
            server.stop();
            throw e;
        }
        reloader = new Reloader(file, routes, registry, pacer, metrics);
        DnsWatcher.start(routes::get, reloader, timers);
    }

    /** The main listener on the loop; what it does not handle itself goes to Helidon's loopback port. */
    private Acceptor accept(ProxyConfig config, TunnelUpgrader upgrader) {
        try {
            return Acceptor.open(new InetSocketAddress(config.listen().host(), config.listen().port()), upgrader, timers,
                    config.timeouts(), config.limits(),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()), config.loopIo());
        } catch (IOException | RuntimeException e) {
            timers.shutdownNow();
            server.stop();
            throw new IllegalStateException("cannot listen on " + config.listen()
                    + " (address in use, or not this host's?): " + e.getMessage(), e);
        }
    }

    /**
     * Helidon's listener: the main one when it has TLS; else on a loopback port behind the
     * {@link Acceptor}, which splices to it what it does not handle itself.
     */
    private WebServer listener(ProxyConfig config, TunnelUpgrader upgrader, Gate gate, ProxyMetrics metrics,
                               boolean behindAcceptor) {
        Duration handshake = config.timeouts().handshake();
        Http1Config http1 = Http1Config.builder()
                .addReceiveListener(new HandshakeDeadline(timers, handshake))
                .maxHeadersSize(config.limits().maxHeaderSize())
                .maxPrologueLength(config.limits().maxRequestLine())
                .build();
        Http1ConnectionSelectorConfig.Builder selector = Http1ConnectionSelector.builder().config(http1);
        for (String spelling : TunnelUpgrader.SPELLINGS) {
            selector.putUpgrader(spelling, upgrader);
        }
        HttpForwarder forwarder = new HttpForwarder(routes::get, gate, registry, metrics);
        var builder = WebServer.builder();
        config.tls().ifPresent(files -> builder.tls(TlsLoader.load(files)));
        return builder
                .host(behindAcceptor ? InetAddress.getLoopbackAddress().getHostAddress() : config.listen().host())
                .port(behindAcceptor ? 0 : config.listen().port())
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .addConnectionSelector(selector.build())
                // ours is then the only selector, so Helidon hands it each connection as soon as it
                // is accepted, before any byte: a client that never sends one is tracked (and cut
                // by the idle reaper below) like any other
                .protocolsDiscoverServices(false)
                // a connection that sends no request line within the handshake timeout is closed
                .idleConnectionTimeout(handshake)
                .idleConnectionPeriod(Duration.ofMillis(Math.max(100, Math.min(1000, handshake.toMillis() / 4))))
                .listenerSocketOptions(TcpKeepAlive.onListener())
                // Helidon sets SO_KEEPALIVE (its default) and TCP_NODELAY on each accepted socket
                .connectionOptions(o -> o.socketOptions(TcpKeepAlive.onAccepted()).socketKeepAlive(true).tcpNoDelay(true))
                // request bodies in any Content-Encoding pass to the backend as they came
                .contentEncoding(new io.switchboard.http.PassThroughEncoding())
                .routing(r -> r.any(forwarder))
                .build()
                .start();
    }

    /**
     * Binds both listeners of {@code config} and starts serving.
     *
     * @param file the config file to watch for reloads, or null (the demo)
     * @throws RuntimeException when an address cannot be bound
     */
    public static Switchboard start(ProxyConfig config, Path file) {
        Switchboard s = new Switchboard(config, file);
        if (file != null) {
            s.reloader.watch();
        }
        return s;
    }

    /** Starts without a config file (nothing to reload). */
    public static Switchboard start(ProxyConfig config) {
        return start(config, null);
    }

    /**
     * The sockets the proxy's own listener runs on (what {@code loop-io} got on this JVM), or null
     * when Helidon accepts ({@code accept: helidon}).
     */
    public LoopIo loopIo() {
        return acceptor == null ? null : acceptor.isNative() ? LoopIo.NATIVE : LoopIo.NIO;
    }

    /** The bound port of the main listener (useful when the config asked for port 0). */
    public int port() {
        return acceptor != null ? acceptor.port() : server.port();
    }

    /** The bound port of the admin listener. */
    public int adminPort() {
        return admin.port();
    }

    /** The process drain (SIGTERM). */
    public ProcessDrain drain() {
        return drain;
    }

    /** Re-reads the config file now (SIGHUP); false when rejected or there is no file. */
    public boolean reload() {
        return reloader.reload();
    }

    /** The current routing table. */
    public Routes routes() {
        return routes.get();
    }

    @Override
    public void close() {
        if (acceptor != null) {
            acceptor.close();
        }
        server.stop();
        try {
            io.switchboard.tunnel.Splice.awaitFlushed(Duration.ofSeconds(5)); // answers Helidon finished reach their clients
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        admin.close();
        timers.shutdownNow();
    }
}
