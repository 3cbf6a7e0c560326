package io.switchboard.tunnel;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;

/**
 * Answers a refused upgrade with a short plain-text HTTP error and closes the connection. Written
 * by hand on the raw connection (not through Helidon's error handler) so the status, the body and
 * extra headers such as {@code Sec-WebSocket-Version} are exactly ours.
 */
final class HttpErrors {
    private HttpErrors() {
    }

    /** The whole error response, head and plain-text body, in one array (one write). */
    static byte[] response(int status, String reason, String extraHeaders) {
        byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 " + status + " " + phrase(status) + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n"
                + extraHeaders
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** Writes bytes to the client, ignoring a client that already left. */
    static void write(ConnectionContext ctx, byte[] bytes) {
        try {
            ctx.dataWriter().writeNow(BufferData.create(bytes));
        } catch (RuntimeException e) {
            // the client is gone; nothing to tell it
        }
    }

    /** A connection whose work is done: returning from handle() makes Helidon close the socket. */
    static ServerConnection finished() {
        return new ServerConnection() {
            @Override
            public void handle(io.helidon.common.concurrency.limits.Limit limit) {
            }

            @Override
            public Duration idleTime() {
                return Duration.ZERO;
            }

            @Override
            public void close(boolean interrupt) {
            }
        };
    }

    static String phrase(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Error";
        };
    }
}
