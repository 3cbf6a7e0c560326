package io.switchboard.conformance;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deliberately small WebSocket client on a plain socket, for byte-level checks the JDK client
 * cannot make: exact handshake bytes (including broken ones), exact status codes and headers of a
 * refusal, frames written by hand (fragments, control frames, our own masking), bytes pipelined
 * after the request, and dropping TCP without a Close. Every read is bounded by a socket timeout.
 */
public final class RawWsClient implements AutoCloseable {
    /** Opcodes (RFC 6455 §5.2). */
    public static final int CONT = 0x0, TEXT = 0x1, BINARY = 0x2, CLOSE = 0x8, PING = 0x9, PONG = 0xA;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawWsClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection (no handshake yet) with a 10 s read timeout. */
    public static RawWsClient connect(int port) {
        try {
            Socket s = new Socket();
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            return new RawWsClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Connects, sends a valid upgrade for {@code pathAndQuery} with {@code extraHeaders} and reads
     * the answer head. The caller checks the status.
     */
    public static Upgrade upgrade(int port, String pathAndQuery, Map<String, String> extraHeaders) {
        RawWsClient c = connect(port);
        String key = newKey();
        c.write(request(port, pathAndQuery, key, extraHeaders).getBytes(StandardCharsets.ISO_8859_1));
        return new Upgrade(c, key, c.readHead());
    }

    /** A fresh random {@code Sec-WebSocket-Key} (16 random bytes, base64). */
    public static String newKey() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getEncoder().encodeToString(b);
    }

    /** The {@code Sec-WebSocket-Accept} a server must answer to {@code key}. */
    public static String acceptFor(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.ISO_8859_1));
            return Base64.getEncoder().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A valid upgrade request head (with the terminating blank line). */
    public static String request(int port, String pathAndQuery, String key, Map<String, String> extraHeaders) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1:" + port);
        h.put("Upgrade", "websocket");
        h.put("Connection", "Upgrade");
        h.put("Sec-WebSocket-Key", key);
        h.put("Sec-WebSocket-Version", "13");
        h.putAll(extraHeaders);
        StringBuilder b = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\n");
        h.forEach((k, v) -> {
            if (v != null) {
                b.append(k).append(": ").append(v).append("\r\n");
            }
        });
        return b.append("\r\n").toString();
    }

    /** The TCP socket, for tests that write past what a frame helper does. */
    public Socket socket() {
        return socket;
    }

    /** Writes bytes as they are, in one write call. */
    public void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an HTTP response head (status line and headers) and, if it has Content-Length, its body. */
    public HttpHead readHead() {
        try {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int state = 0;
            while (state < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("connection closed after " + head.size() + " bytes of response head: "
                            + head.toString(StandardCharsets.ISO_8859_1));
                }
                head.write(b);
                state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                        ? state + 1 : (b == '\r' ? 1 : 0);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
            String[] status = lines[0].split(" ", 3);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.merge(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim(),
                            (a, b) -> a + ", " + b);
                }
            }
            int code = Integer.parseInt(status[1]);
            String body = "";
            if (code != 101 && headers.containsKey("content-length")) {
                body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
            }
            return new HttpHead(lines[0], code, headers, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends one frame, masked with a random key as a client must. */
    public void sendFrame(boolean fin, int opcode, byte[] payload) {
        write(frame(fin, opcode, payload, true));
    }

    /** Sends a text message in one frame. */
    public void sendText(String text) {
        sendFrame(true, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a Close frame with {@code code} and {@code reason}. */
    public void sendClose(int code, String reason) {
        sendFrame(true, CLOSE, closePayload(code, reason));
    }

    /** A Close payload: the code big-endian, then the UTF-8 reason. */
    public static byte[] closePayload(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[2 + r.length];
        p[0] = (byte) (code >> 8);
        p[1] = (byte) code;
        System.arraycopy(r, 0, p, 2, r.length);
        return p;
    }

    /** Encodes a frame; with {@code mask}, a random masking key is drawn and applied. */
    public static byte[] frame(boolean fin, int opcode, byte[] payload, boolean mask) {
        int len = payload.length;
        int ext = len < 126 ? 0 : len <= 0xFFFF ? 2 : 8;
        byte[] f = new byte[2 + ext + (mask ? 4 : 0) + len];
        f[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        int pos = 2;
        if (ext == 0) {
            f[1] = (byte) len;
        } else if (ext == 2) {
            f[1] = 126;
            f[2] = (byte) (len >> 8);
            f[3] = (byte) len;
            pos = 4;
        } else {
            f[1] = 127;
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) (((long) len) >>> (56 - 8 * i));
            }
            pos = 10;
        }
        if (mask) {
            f[1] |= (byte) 0x80;
            byte[] key = new byte[4];
            RANDOM.nextBytes(key);
            System.arraycopy(key, 0, f, pos, 4);
            pos += 4;
            for (int i = 0; i < len; i++) {
                f[pos + i] = (byte) (payload[i] ^ key[i & 3]);
            }
        } else {
            System.arraycopy(payload, 0, f, pos, len);
        }
        return f;
    }

    /**
     * Reads one frame (unmasking it if the sender masked it, which a server must not do; see
     * {@link Frame#masked}).
     *
     * @throws UncheckedIOException on timeout or EOF
     */
    public Frame readFrame() {
        try {
            int b0 = readByte();
            int b1 = readByte();
            boolean masked = (b1 & 0x80) != 0;
            long len = b1 & 0x7f;
            if (len == 126) {
                len = ((long) readByte() << 8) | readByte();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | readByte();
                }
            }
            byte[] key = masked ? in.readNBytes(4) : null;
            byte[] payload = in.readNBytes((int) len);
            if (payload.length != len) {
                throw new EOFException("frame cut short: " + payload.length + " of " + len + " bytes");
            }
            if (masked) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= key[i & 3];
                }
            }
            return new Frame((b0 & 0x80) != 0, b0 & 0x70, b0 & 0x0f, masked, payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads frames until a data frame or Close arrives, skipping pings and pongs. */
    public Frame readDataOrClose() {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() != PING && f.opcode() != PONG) {
                return f;
            }
        }
    }

    /** Reads a complete (possibly fragmented) message and returns its payload; fails on a Close. */
    public Message readMessage() {
        Frame first = readDataOrClose();
        if (first.opcode() == CLOSE) {
            throw new IllegalStateException("got Close " + first.closeCode() + " instead of a message");
        }
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(first.payload());
        Frame f = first;
        while (!f.fin()) {
            f = readDataOrClose();
            if (f.opcode() != CONT) {
                throw new IllegalStateException("expected a continuation frame, got opcode " + f.opcode());
            }
            all.writeBytes(f.payload());
        }
        return new Message(first.opcode(), all.toByteArray());
    }

    private int readByte() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("connection closed by the peer");
        }
        return b;
    }

    /**
     * Whether the peer closes TCP within {@code timeout}: reads (and discards) until EOF or reset.
     *
     * @return true on EOF/reset, false if the connection is still open at the deadline
     */
    public boolean awaitEof(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                try {
                    if (in.read() < 0) {
                        return true;
                    }
                } catch (SocketTimeoutException e) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    /** The client's own port: the peer port of the proxy's end of this connection. */
    public int localPort() {
        return socket.getLocalPort();
    }

    /** Sets the read timeout. */
    public void readTimeout(Duration timeout) {
        try {
            socket.setSoTimeout((int) timeout.toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes TCP abruptly (no Close frame): the way a crashed or unplugged client goes. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    /**
     * An HTTP response head, as read.
     *
     * @param statusLine the first line
     * @param status     the status code
     * @param headers    lower-case names; repeated headers joined with ", "
     * @param body       the body when Content-Length was given (not for 101), else ""
     */
    public record HttpHead(String statusLine, int status, Map<String, String> headers, String body) {
        /** A header value by case-insensitive name, or null. */
        public String header(String name) {
            return headers.get(name.toLowerCase());
        }
    }

    /**
     * A frame as received.
     *
     * @param rsv the three RSV bits in place (0x70 mask of the first byte)
     */
    public record Frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        /** The status code of a Close frame (1005 when it carries none). */
        public int closeCode() {
            return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        }

        /** The reason of a Close frame. */
        public String closeReason() {
            return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }

        /** The payload as UTF-8. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /** A reassembled message: the opcode of its first frame and all payload bytes. */
    public record Message(int opcode, byte[] payload) {
        /** The payload as UTF-8. */
        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /**
     * A handshake sent by {@link #upgrade}: the connection, the key it used and the answer.
     */
    public record Upgrade(RawWsClient client, String key, HttpHead head) implements AutoCloseable {
        @Override
        public void close() {
            client.close();
        }
    }
}
