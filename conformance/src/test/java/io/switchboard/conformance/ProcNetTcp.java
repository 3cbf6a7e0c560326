package io.switchboard.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What Linux reports about one TCP socket in {@code /proc/net/tcp} and {@code /proc/net/tcp6}:
 * which timer is pending on it and when it fires. Tests read it to see kernel-side settings
 * (TCP keepalive) that no Java API reports for a socket another process owns.
 */
final class ProcNetTcp {
    /** The {@code tr} value of a pending keepalive timer (sk_timer). */
    static final int KEEPALIVE_TIMER = 2;
    /** /proc/net/tcp reports timer expiries in USER_HZ ticks, 100 per second on Linux. */
    private static final int TICKS_PER_SECOND = 100;

    private ProcNetTcp() {
    }

    /** Whether this machine has the files (Linux). */
    static boolean available() {
        return Files.isReadable(Path.of("/proc/net/tcp"));
    }

    /**
     * The pending timer of the socket whose local port is {@code localPort} and whose peer port is
     * {@code remotePort} (any loopback address, IPv4 or IPv6), if such a socket is open.
     */
    static Optional<Timer> timer(int localPort, int remotePort) {
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            for (String line : lines(file)) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when ...
                if (f.length > 5 && f[1].contains(":") && port(f[1]) == localPort && port(f[2]) == remotePort) {
                    String[] timer = f[5].split(":");
                    return Optional.of(new Timer(Integer.parseInt(timer[0], 16), Long.parseLong(timer[1], 16) / (double) TICKS_PER_SECOND));
                }
            }
        }
        return Optional.empty();
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.lastIndexOf(':') + 1), 16);
    }

    private static List<String> lines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param kind    the {@code tr} field: 0 none, 1 retransmit, 2 keepalive, 3 TIME_WAIT, 4 zero-window probe
     * @param seconds when it fires, from now
     */
    record Timer(int kind, double seconds) {
    }
}
