package io.switchboard.conformance.autobahn;

import io.switchboard.ws.Handshake;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The client side of the opening handshake (RFC 6455 §4.1): sends the upgrade request, reads the
 * response head and checks it (101, {@code Upgrade: websocket}, {@code Connection: upgrade},
 * the right {@code Sec-WebSocket-Accept}). Bytes that arrived after the response head (a server
 * may send its first frame in the same packet) are kept for the frame reader.
 */
final class ClientHandshake {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_HEAD = 16 * 1024;

    String request;
    String response = "";
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] leftover = new byte[0];

    /**
     * Runs the handshake on an open socket's streams.
     *
     * @param offer a Sec-WebSocket-Extensions value to offer, or null
     * @return null when the server accepted, else why not
     */
    String perform(URI url, InputStream in, OutputStream out, String offer) throws IOException {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String path = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        int defaultPort = "wss".equals(url.getScheme()) ? 443 : 80;
        String host = url.getHost() + (url.getPort() < 0 || url.getPort() == defaultPort ? "" : ":" + url.getPort());
        request = "GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "User-Agent: SwitchboardConformance\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Pragma: no-cache\r\n"
                + "Cache-Control: no-cache\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + (offer == null ? "" : "Sec-WebSocket-Extensions: " + offer + "\r\n")
                + "\r\n";
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        int end = -1;
        while (end < 0) {
            int n = in.read(buf);
            if (n < 0) {
                return "connection closed during the opening handshake";
            }
            head.write(buf, 0, n);
            end = indexOfHeadEnd(head.toByteArray());
            if (end < 0 && head.size() > MAX_HEAD) {
                return "response head longer than " + MAX_HEAD + " bytes";
            }
        }
        byte[] all = head.toByteArray();
        response = new String(all, 0, end, StandardCharsets.ISO_8859_1);
        leftover = java.util.Arrays.copyOfRange(all, end + 4, all.length);
        String[] lines = response.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[1].equals("101")) {
            return "expected 101 Switching Protocols, got: " + lines[0];
        }
        if (!"websocket".equalsIgnoreCase(headers.getOrDefault("upgrade", "").trim())) {
            return "101 without Upgrade: websocket";
        }
        if (!Handshake.hasToken(headers.get("connection"), "upgrade")) {
            return "101 without Connection: upgrade";
        }
        if (!Handshake.acceptKey(key).equals(headers.get("sec-websocket-accept"))) {
            return "wrong Sec-WebSocket-Accept: " + headers.get("sec-websocket-accept");
        }
        return null;
    }

    private static int indexOfHeadEnd(byte[] b) {
        for (int i = 0; i + 3 < b.length; i++) {
            if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
