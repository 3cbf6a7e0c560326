package io.switchboard.conformance.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.switchboard.ws.DeflateNegotiation;
import io.switchboard.ws.DeflateParams;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Masking;
import io.switchboard.ws.Opcode;

/**
 * The client's bytes on the wire, kept allocation-free on the hot path: the upgrade request (with
 * the sticky header {@code X-User: u<i>}, and a {@code Sec-WebSocket-Extensions} offer when one
 * is given), masked frames with a fresh pseudo-random mask per frame, and a scanner for the
 * server's unmasked frames.
 *
 * <p>The handshake checks the status line only ({@code HTTP/1.1 101}), not
 * {@code Sec-WebSocket-Accept}: every server measured here is trusted, and a SHA-1 per handshake
 * would be charged to the generator's core. The server's extension answer is checked (RFC 7692
 * §7.1) by {@link #connect}, which the message loads use; the handshake-rate loop skips it too.
 */
final class WsWire {
    private final InetSocketAddress address;
    private final String requestPrefix;
    private final String extensionOffer;
    private long seed;

    /** A connection after its 101, with what permessage-deflate it agreed (null: none). */
    record Connected(SocketChannel channel, DeflateParams deflate) {
    }

    /** @param url {@code ws://host:port/path}; wss is not supported (nothing here measures TLS) */
    WsWire(URI url, long seed) {
        this(url, seed, null);
    }

    /**
     * @param extensionOffer a {@code Sec-WebSocket-Extensions} value to send (a permessage-deflate
     *                       offer), or null for none
     */
    WsWire(URI url, long seed, String extensionOffer) {
        if (!"ws".equals(url.getScheme())) {
            throw new IllegalArgumentException("only ws:// URLs: " + url);
        }
        int port = url.getPort() < 0 ? 80 : url.getPort();
        this.address = new InetSocketAddress(url.getHost(), port);
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.requestPrefix = "GET " + path + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery())
                + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + port
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + (extensionOffer == null ? "" : "Sec-WebSocket-Extensions: " + extensionOffer + "\r\n");
        this.extensionOffer = extensionOffer;
        this.seed = seed | 1;
    }

    /** The extension offer this wire sends, or null. */
    String extensionOffer() {
        return extensionOffer;
    }

    InetSocketAddress address() {
        return address;
    }

    /** The upgrade request of connection {@code i}. */
    byte[] request(long i) {
        byte[] nonce = new byte[16];
        for (int k = 0; k < 16; k += 8) {
            long r = next();
            for (int b = 0; b < 8; b++) {
                nonce[k + b] = (byte) (r >>> (8 * b));
            }
        }
        String req = requestPrefix + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
                + "\r\nX-User: u" + i + "\r\n\r\n";
        return req.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Opens a blocking channel to the server and completes the handshake of connection {@code i}.
     * Bytes after the response head (a first frame in the same packet) are not expected: the
     * echo servers never speak first.
     */
    SocketChannel open(long i) throws IOException {
        return connect(i).channel();
    }

    /**
     * {@link #open}, and when this wire offers permessage-deflate, the server's answer checked by
     * RFC 7692 §7.1 ({@link DeflateNegotiation#checkResponse}); a server that declined gives a
     * null {@code deflate}, one that broke §7.1 an IOException.
     */
    Connected connect(long i) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.connect(address);
            ch.write(ByteBuffer.wrap(request(i)));
            ByteBuffer head = ByteBuffer.allocate(1024);
            readHead(ch, head);
            DeflateParams deflate = null;
            if (extensionOffer != null) {
                String answer = header(head.array(), head.position(), "sec-websocket-extensions");
                try {
                    deflate = DeflateNegotiation.checkResponse(answer, extensionOffer);
                } catch (IllegalArgumentException e) {
                    throw new IOException("bad permessage-deflate answer: " + e.getMessage(), e);
                }
            }
            return new Connected(ch, deflate);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** The value of header {@code lowerCaseName} in the response head {@code b[0..len)}, or null. */
    static String header(byte[] b, int len, String lowerCaseName) {
        String head = new String(b, 0, len, StandardCharsets.ISO_8859_1);
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT).equals(lowerCaseName)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    /** Reads a response head into {@code buf} (cleared first); throws unless it is a 101. */
    static void readHead(SocketChannel ch, ByteBuffer buf) throws IOException {
        buf.clear();
        while (true) {
            if (ch.read(buf) < 0) {
                throw new IOException("closed during the handshake");
            }
            if (endOfHead(buf.array(), buf.position()) >= 0) {
                break;
            }
            if (!buf.hasRemaining()) {
                throw new IOException("response head over " + buf.capacity() + " bytes");
            }
        }
        if (!is101(buf.array(), buf.position())) {
            String head = new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
            throw new IOException("expected 101, got: " + head.lines().findFirst().orElse(""));
        }
    }

    /** Index just past {@code \r\n\r\n} in {@code b[0..len)}, or -1. */
    static int endOfHead(byte[] b, int len) {
        for (int i = 3; i < len; i++) {
            if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    static boolean is101(byte[] b, int len) {
        return len >= 12 && b[9] == '1' && b[10] == '0' && b[11] == '1' && b[0] == 'H';
    }

    /**
     * Writes a masked binary frame of {@code payload} at {@code dst}'s position, with a fresh
     * mask. {@code dst} must have room for {@code payload.length + 14} bytes.
     */
    void putFrame(ByteBuffer dst, byte[] payload) {
        putFrame(dst, Opcode.BINARY, payload, payload.length);
    }

    void putFrame(ByteBuffer dst, int opcode, byte[] payload, int len) {
        putFrame(dst, opcode, 0, payload, len);
    }

    /** A whole masked message as one frame; {@code rsv} 4 (RSV1) marks it compressed (RFC 7692 §6). */
    void putFrame(ByteBuffer dst, int opcode, int rsv, byte[] payload, int len) {
        int mask = (int) next();
        byte[] a = dst.array();
        int p = dst.arrayOffset() + dst.position();
        int h = FrameHeaders.encode(a, p, true, rsv, opcode, true, mask, len);
        System.arraycopy(payload, 0, a, p + h, len);
        Masking.mask(a, p + h, len, mask, 0);
        dst.position(dst.position() + h + len);
    }

    /** A masked Close frame with status 1000, as bytes. */
    byte[] closeFrame() {
        ByteBuffer b = ByteBuffer.allocate(8);
        putFrame(b, Opcode.CLOSE, new byte[] {0x03, (byte) 0xE8}, 2);
        return b.array();
    }

    /**
     * Total length (header and payload) of the server frame that starts at {@code b[off]}, or -1
     * while its header is not complete in {@code b[off..off+len)}; the caller compares it with
     * the bytes it has. Server frames are unmasked; a masked one is measured all the same.
     */
    static long frameLength(byte[] b, int off, int len) {
        if (len < 2) {
            return -1;
        }
        int len7 = b[off + 1] & 0x7F;
        int ext = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
        int head = headerLength(b, off);
        if (len < head) {
            return -1;
        }
        long payload = len7;
        if (ext > 0) {
            payload = 0;
            for (int i = 0; i < ext; i++) {
                payload = payload << 8 | (b[off + 2 + i] & 0xFF);
            }
        }
        return head + payload;
    }

    /** Header length of the frame at {@code b[off]}; needs its first two bytes. */
    static int headerLength(byte[] b, int off) {
        int len7 = b[off + 1] & 0x7F;
        return 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((b[off + 1] & 0x80) != 0 ? 4 : 0);
    }

    /** xorshift64*: cheap per-frame mask keys; the seed comes from the caller (SecureRandom). */
    private long next() {
        long x = seed;
        x ^= x >>> 12;
        x ^= x << 25;
        x ^= x >>> 27;
        seed = x;
        return x * 0x2545F4914F6CDD1DL;
    }
}
