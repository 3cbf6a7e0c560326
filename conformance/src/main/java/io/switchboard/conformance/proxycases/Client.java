package io.switchboard.conformance.proxycases;

import io.switchboard.ws.Handshake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The raw client of the proxy cases: writes an upgrade request (optionally with bytes pipelined
 * in the same write) and reads the response head, whatever its status, so a case can judge a
 * refusal as well as a 101. Unlike the Autobahn fuzzer it keeps the socket for the case to drive.
 */
public final class Client {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_HEAD = 16 * 1024;

    private Client() {
    }

    /**
     * The answer to an upgrade request.
     *
     * @param status   the response status (0 when no head arrived)
     * @param head     the response head without the final blank line ("" when none)
     * @param headers  lower-cased header names to values
     * @param problem  why the answer is not a valid 101 for our key, or null when it is
     * @param socket   the connection, still open
     * @param leftover bytes read after the head (a first frame, or an error body)
     * @param elapsed  time from sending the request to the end of the head
     */
    public record Answer(int status, String head, Map<String, String> headers, String problem, Socket socket,
                         byte[] leftover, Duration elapsed) {

        /** The open WebSocket, as a client {@link Peer}; only after a valid 101. */
        public Peer peer() throws IOException {
            if (problem != null) {
                throw new IOException("no WebSocket: " + problem);
            }
            return new Peer("client", socket, leftover, true);
        }

        /** The status line, or "(no response)". */
        public String statusLine() {
            return head.isEmpty() ? "(no response)" : head.split("\r\n", 2)[0];
        }

        /**
         * Reads a non-101 answer's body ({@code Content-Length} bytes, else up to the end of the
         * stream) within {@code timeout}, and whether the proxy then closed the connection within
         * the same time. Leaves the socket closed.
         */
        public Body readBody(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(leftover);
            long want = Long.parseLong(headers.getOrDefault("content-length", "-1").trim());
            boolean closed = false;
            try (socket) {
                InputStream in = socket.getInputStream();
                byte[] b = new byte[4096];
                while (System.nanoTime() < deadline) {
                    socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                    int n;
                    try {
                        n = in.read(b);
                    } catch (SocketTimeoutException e) {
                        break;
                    }
                    if (n < 0) {
                        closed = true;
                        break;
                    }
                    body.write(b, 0, n);
                }
            } catch (IOException e) {
                closed = true; // a reset also ends the exchange: no hang
            }
            boolean complete = want < 0 ? closed : body.size() >= want;
            return new Body(body.toString(StandardCharsets.UTF_8), complete, closed);
        }
    }

    /**
     * An error answer's body.
     *
     * @param text     the body as text
     * @param complete all of {@code Content-Length} arrived (or, without one, the stream ended)
     * @param closed   the proxy closed the connection afterwards
     */
    public record Body(String text, boolean complete, boolean closed) {
    }

    /**
     * Connects to {@code host:port}, sends {@code GET pathAndQuery} as a WebSocket upgrade with
     * {@code extraHeaders}, with {@code pipelined} (may be empty) in the same write, and reads the
     * response head within {@code timeout}.
     */
    public static Answer upgrade(String host, int port, String pathAndQuery, Map<String, String> extraHeaders,
                                 byte[] pipelined, Duration timeout) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        StringBuilder req = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\nSec-WebSocket-Version: 13\r\n");
        extraHeaders.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
        req.append("\r\n");
        byte[] head = req.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] packet = Arrays.copyOf(head, head.length + pipelined.length);
        System.arraycopy(pipelined, 0, packet, head.length, pipelined.length);

        Socket s = new Socket();
        s.setTcpNoDelay(true);
        long t0 = System.nanoTime();
        s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
        s.getOutputStream().write(packet); // one write: with TCP_NODELAY, one segment
        s.getOutputStream().flush();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        int end = -1;
        try {
            while (end < 0 && got.size() <= MAX_HEAD) {
                long left = timeout.toMillis() - (System.nanoTime() - t0) / 1_000_000;
                if (left <= 0) {
                    break;
                }
                s.setSoTimeout((int) left);
                int n = s.getInputStream().read(b);
                if (n < 0) {
                    break;
                }
                got.write(b, 0, n);
                end = headEnd(got.toByteArray());
            }
        } catch (SocketTimeoutException e) {
            // reported below as no response
        } catch (IOException e) {
            // a reset: reported below as no response
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
        if (end < 0) {
            return new Answer(0, "", Map.of(), "no response head within " + timeout.toMillis() + " ms", s,
                    got.toByteArray(), elapsed);
        }
        byte[] all = got.toByteArray();
        String text = new String(all, 0, end, StandardCharsets.ISO_8859_1);
        Map<String, String> headers = new LinkedHashMap<>();
        String[] lines = text.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (x, y) -> x + ", " + y);
            }
        }
        String[] statusParts = lines[0].split(" ", 3);
        int status = statusParts.length > 1 && statusParts[1].matches("\\d{3}") ? Integer.parseInt(statusParts[1]) : 0;
        String problem = null;
        if (status != 101) {
            problem = "status " + lines[0];
        } else if (!Handshake.acceptKey(key).equals(headers.get("sec-websocket-accept"))) {
            problem = "wrong Sec-WebSocket-Accept " + headers.get("sec-websocket-accept");
        }
        return new Answer(status, text, headers, problem, s, Arrays.copyOfRange(all, end + 4, all.length), elapsed);
    }

    private static int headEnd(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
