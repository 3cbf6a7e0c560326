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
 */
public final class TcpKeepAlive {
    private static final int IDLE_SECONDS = 60;
    private static final int INTERVAL_SECONDS = 10;
    private static final int COUNT = 3;
    /** Worked out once: finding which options the platform has opens a probe socket. */
    private static final Map<SocketOption<?>, Object> OPTIONS = probe();

    private TcpKeepAlive() {
    }

    /** The options to apply to accepted client sockets. */
    public static Map<SocketOption<?>, Object> options() {
        return OPTIONS;
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

    /** Applies {@link #options()} to a backend socket (before connecting). */
    @SuppressWarnings("unchecked")
    public static void apply(Socket socket) throws IOException {
        for (Map.Entry<SocketOption<?>, Object> e : OPTIONS.entrySet()) {
            socket.setOption((SocketOption<Object>) e.getKey(), e.getValue());
        }
    }
}
