package io.switchboard.tunnel;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.LinkedHashMap;
import java.util.Map;

import jdk.net.ExtendedSocketOptions;

/**
 * TCP keepalive for both legs, as a last line of defence under the WebSocket heartbeats (which
 * may be off): the kernel probes a silent peer after 60 s, every 10 s, and drops it after 3
 * unanswered probes, so a half-open socket is found within about 90 s even with heartbeats off.
 * The extended options are applied where the platform has them (Linux, macOS).
 *
 * <p>On Linux an accepted socket is a clone of its listener and keeps the listener's keepalive
 * timing, so the client leg gets these options once, on the listening socket
 * ({@link #onListener()}), and no accept pays three {@code setsockopt} calls for them. Elsewhere
 * they are set on each accepted socket ({@link #onAccepted()}).
 */
public final class TcpKeepAlive {
    private static final int IDLE_SECONDS = 60;
    private static final int INTERVAL_SECONDS = 10;
    private static final int COUNT = 3;
    /** Worked out once: finding which options the platform has opens a probe socket. */
    private static final Map<SocketOption<?>, Object> OPTIONS = probe();

    private TcpKeepAlive() {
    }

    /** Whether accepted sockets inherit the listener's keepalive timing (Linux). */
    private static final boolean INHERITED = System.getProperty("os.name", "").startsWith("Linux");

    /**
     * The options for the listening socket: on Linux the timing (idle, interval, count), which
     * accepted sockets inherit; elsewhere none. SO_KEEPALIVE itself is not a listener option: the
     * server sets it on each accepted socket.
     */
    public static Map<SocketOption<?>, Object> onListener() {
        if (!INHERITED) {
            return Map.of();
        }
        Map<SocketOption<?>, Object> timing = new LinkedHashMap<>(OPTIONS);
        timing.remove(StandardSocketOptions.SO_KEEPALIVE);
        return timing;
    }

    /** The timing options each accepted client socket needs set on it: none on Linux, all of them elsewhere. */
    public static Map<SocketOption<?>, Object> onAccepted() {
        return INHERITED ? Map.of() : OPTIONS;
    }

    private static Map<SocketOption<?>, Object> probe() {
        Map<SocketOption<?>, Object> options = new LinkedHashMap<>();
        options.put(StandardSocketOptions.SO_KEEPALIVE, true);
        try (Socket probe = new Socket()) {
            if (probe.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
                options.put(ExtendedSocketOptions.TCP_KEEPIDLE, IDLE_SECONDS);
                options.put(ExtendedSocketOptions.TCP_KEEPINTERVAL, INTERVAL_SECONDS);
                options.put(ExtendedSocketOptions.TCP_KEEPCOUNT, COUNT);
            }
        } catch (IOException e) {
            // keep SO_KEEPALIVE alone
        }
        return java.util.Collections.unmodifiableMap(options);
    }

    /** Applies {@link #onAccepted()} to a client socket the proxy's own acceptor took. */
    static void applyAccepted(java.nio.channels.SocketChannel channel) throws IOException {
        set(channel, onAccepted());
    }

    /** Applies all the options to a backend socket of the event loop (before connecting). */
    static void apply(java.nio.channels.SocketChannel channel) throws IOException {
        set(channel, OPTIONS);
    }

    @SuppressWarnings("unchecked")
    private static void set(java.nio.channels.SocketChannel channel, Map<SocketOption<?>, Object> options) throws IOException {
        for (Map.Entry<SocketOption<?>, Object> e : options.entrySet()) {
            channel.setOption((SocketOption<Object>) e.getKey(), e.getValue());
        }
    }

    /** The same on a blocking socket. */
    @SuppressWarnings("unchecked")
    public static void apply(Socket socket) throws IOException {
        for (Map.Entry<SocketOption<?>, Object> e : OPTIONS.entrySet()) {
            socket.setOption((SocketOption<Object>) e.getKey(), e.getValue());
        }
    }
}
