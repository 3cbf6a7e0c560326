package io.switchboard.conformance.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.DataFormatException;

import io.switchboard.conformance.load.ClientDeflate;
import io.switchboard.ws.DeflateNegotiation;
import io.switchboard.ws.DeflateParams;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Masking;
import io.switchboard.ws.Opcode;

/**
 * One blocking client WebSocket for {@link IdleMemoryBench}: a minimal handshake (with a
 * permessage-deflate offer when asked, the answer checked by RFC 7692 §7.1), one message sent and
 * its echo read and compared (compressed both ways when deflate was agreed), then nothing until
 * {@link #alive} checks with a ping that the proxy still holds the connection.
 */
final class IdleClient implements AutoCloseable {
    private static final int RSV1 = 4;
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final DeflateParams deflate;

    private IdleClient(Socket socket, DeflateParams deflate) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.deflate = deflate;
    }

    /**
     * Connects to {@code 127.0.0.1:port}, upgrades {@code /ws?i=I}; returns once the 101 is read.
     *
     * @param offer a permessage-deflate offer, or null; a server that declines it is an error
     */
    static IdleClient open(int port, int i, String offer) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true); // a 16 KiB frame's last segment must not wait for a delayed ACK
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String req = "GET /ws?i=" + i + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n"
                    + (offer == null ? "" : "Sec-WebSocket-Extensions: " + offer + "\r\n") + "\r\n";
            s.getOutputStream().write(req.getBytes(StandardCharsets.ISO_8859_1));
            String head = readHead(s);
            if (!head.startsWith("HTTP/1.1 101")) {
                throw new IOException("expected 101, got " + head.lines().findFirst().orElse(""));
            }
            DeflateParams params = null;
            if (offer != null) {
                params = DeflateNegotiation.checkResponse(header(head, "sec-websocket-extensions"), offer);
                if (params == null) {
                    throw new IOException("the proxy declined permessage-deflate");
                }
            }
            return new IdleClient(s, params);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
        }
    }

    /**
     * Sends {@code message} as one TEXT frame (compressed at {@code level} when deflate was agreed
     * and it is not shorter than {@code minSize}) and reads its echo, whole, however framed.
     *
     * @return whether the echo came back compressed
     * @throws IOException when the echo differs from the message
     */
    boolean exchange(byte[] message, int level, int minSize) throws IOException {
        ClientDeflate pmd = deflate == null ? null : new ClientDeflate(deflate, level, minSize);
        try {
            byte[] z = pmd == null ? null : pmd.compress(message);
            byte[] payload = z == null ? message : z;
            writeFrame(Opcode.TEXT, z == null ? 0 : RSV1, payload);
            byte[] echo = new byte[0];
            boolean compressed = false;
            boolean first = true;
            while (true) {
                int b0 = in.readUnsignedByte();
                byte[] p = readPayload();
                if ((b0 & 0x08) != 0) {
                    continue; // a control frame (heartbeats are off, but a ping would be harmless)
                }
                if (first) {
                    compressed = (b0 >> 4 & RSV1) != 0;
                    first = false;
                }
                echo = concat(echo, compressed ? inflate(pmd, p, (b0 & 0x80) != 0) : p);
                if ((b0 & 0x80) != 0) {
                    break;
                }
            }
            if (!Arrays.equals(echo, message)) {
                throw new IOException("the echo differs from the message (" + echo.length + " bytes back)");
            }
            return compressed;
        } finally {
            if (pmd != null) {
                pmd.release(); // with context takeover this client would otherwise hold ~300 KiB of zlib per connection
            }
        }
    }

    /** Pings and waits for the pong: true when the connection is still there. */
    boolean alive() {
        try {
            writeFrame(Opcode.PING, 0, new byte[] {'?'});
            while (true) {
                int b0 = in.readUnsignedByte();
                readPayload();
                if ((b0 & 0x0F) == Opcode.PONG) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static byte[] inflate(ClientDeflate pmd, byte[] p, boolean fin) throws IOException {
        if (pmd == null) {
            throw new IOException("a compressed echo without permessage-deflate agreed");
        }
        byte[][] got = {new byte[0]};
        try {
            pmd.inflate(p, 0, p.length, (b, off, len) -> {
                got[0] = concat(got[0], Arrays.copyOfRange(b, off, off + len));
                return true;
            });
            if (fin) {
                pmd.endMessage((b, off, len) -> {
                    got[0] = concat(got[0], Arrays.copyOfRange(b, off, off + len));
                    return true;
                });
            }
        } catch (DataFormatException e) {
            throw new IOException("bad deflate data from the proxy: " + e.getMessage(), e);
        }
        return got[0];
    }

    private void writeFrame(int opcode, int rsv, byte[] payload) throws IOException {
        byte[] frame = new byte[FrameHeaders.MAX_HEADER_LENGTH + payload.length];
        int key = ThreadLocalRandom.current().nextInt();
        int h = FrameHeaders.encode(frame, 0, true, rsv, opcode, true, key, payload.length);
        System.arraycopy(payload, 0, frame, h, payload.length);
        Masking.mask(frame, h, payload.length, key, 0);
        out.write(frame, 0, h + payload.length);
    }

    /** After the first header byte: the length (server frames are unmasked) and the payload. */
    private byte[] readPayload() throws IOException {
        int b1 = in.readUnsignedByte();
        long len = b1 & 0x7F;
        if (len == 126) {
            len = in.readUnsignedShort();
        } else if (len == 127) {
            len = in.readLong();
        }
        if ((b1 & 0x80) != 0) {
            in.readInt(); // a mask key from a server would be a protocol error; skip it all the same
        }
        byte[] p = new byte[(int) len];
        in.readFully(p);
        return p;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Reads a response head byte by byte (nothing after it is consumed), up to its blank line. */
    static String readHead(Socket s) throws IOException {
        var in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("proxy closed during handshake: " + head);
            }
            head.append((char) b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3)) ? matched + 1 : 0;
        }
        return head.toString();
    }

    private static String header(String head, String lowerCaseName) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(lowerCaseName)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
