package io.switchboard.config;

import java.util.Objects;

/**
 * A host and TCP port, written {@code host:port} in the config; IPv6 literals are bracketed,
 * {@code [::1]:8080}.
 *
 * <p>{@code host} is stored without brackets and exactly as written (no DNS lookup happens
 * here). {@code port} is 0..65535; 0 means "any free port" and is only meaningful for
 * {@code listen}, so backend addresses are checked for 1..65535 by the loader, not here.
 *
 * @param host a host name, IPv4 literal, or IPv6 literal without brackets; never empty
 * @param port 0..65535
 */
public record HostPort(String host, int port) {
    private static final String EXPECTED = "expected host:port like 127.0.0.1:9001";

    /** @throws IllegalArgumentException if host is empty or port is out of range */
    public HostPort {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535; got " + port);
        }
    }

    /**
     * Parses {@code host:port} or {@code [ipv6]:port}; the inverse of {@link #toString()}.
     *
     * @param text the address (surrounding whitespace ignored)
     * @return the parsed address, port 0..65535
     * @throws IllegalArgumentException with a message naming the accepted form and the input
     */
    public static HostPort parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException(EXPECTED + "; got nothing");
        }
        String s = text.strip();
        if (s.contains("://")) {
            throw fail(text, " (leave out the scheme)");
        }
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw fail(text, " (IPv6 form is [::1]:8080)");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
            if (!host.contains(":") || !host.chars().allMatch(HostPort::ipv6Char)) {
                throw fail(text, " (not an IPv6 address inside the brackets)");
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw fail(text, " (no port)");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw fail(text, " (put IPv6 addresses in brackets, like [::1]:8080)");
            }
            if (host.isEmpty()) {
                throw fail(text, " (no host)");
            }
            if (!host.chars().allMatch(HostPort::nameChar)) {
                throw fail(text, " (invalid host name)");
            }
        }
        return new HostPort(host, parsePort(text, port));
    }

    private static int parsePort(String text, String port) {
        if (port.isEmpty() || port.length() > 5) {
            throw fail(text, " (port is not a number)");
        }
        for (int i = 0; i < port.length(); i++) {
            if (port.charAt(i) < '0' || port.charAt(i) > '9') {
                throw fail(text, " (port is not a number)");
            }
        }
        int n = Integer.parseInt(port);
        if (n > 65535) {
            throw fail(text, " (port must be 0..65535)");
        }
        return n;
    }

    // Host names and IPv4 literals; '_' is tolerated because container DNS names use it.
    private static boolean nameChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '-' || c == '_';
    }

    // Hex digits, separators, an embedded IPv4 tail, and a "%zone" suffix.
    private static boolean ipv6Char(int c) {
        return nameChar(c) || c == ':' || c == '%';
    }

    private static IllegalArgumentException fail(String text, String hint) {
        return new IllegalArgumentException(EXPECTED + "; got '" + text + "'" + hint);
    }

    /** {@code host:port}, with IPv6 hosts in brackets, so {@link #parse} reads it back. */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
