package io.switchboard.conformance.autobahn;

import io.switchboard.ws.FrameHeader;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Handshake;
import io.switchboard.ws.Masking;
import io.switchboard.ws.Opcode;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A deliberately lax WebSocket echo server, to prove the suite can fail. It is strict about
 * framing (masking, RSV bits, reserved opcodes, control-frame size and fragmentation,
 * continuation order: those get Close 1002), but it has exactly two faults:
 * <ol>
 *   <li>it never validates UTF-8, neither in text messages nor in Close reasons, and echoes
 *       whatever it got;</li>
 *   <li>it answers every Close with 1000, whatever the Close carried (1-byte payload, oversized
 *       payload, forbidden code).</li>
 * </ol>
 * One thread per connection; the TCP connection is closed right after the closing handshake.
 *
 * <p>By default it never accepts permessage-deflate. Given a {@link LaxDeflate} mode other than
 * OFF it accepts it when offered, then allows RSV1 on data frames and echoes compressed messages
 * as that mode says (correctly, or with one of the faults the compression cases must catch).
 */
final class LaxBackend implements AutoCloseable {
    private final ServerSocket server;
    private final LaxDeflate deflate;

    LaxBackend() throws IOException {
        this(LaxDeflate.OFF);
    }

    LaxBackend(LaxDeflate deflate) throws IOException {
        this.deflate = deflate;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("lax-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            String extension = handshake(in, out);
            if (extension == null) {
                return;
            }
            int allowedRsv = extension.isEmpty() ? 0 : 4; // RSV1, once permessage-deflate is agreed
            ByteArrayOutputStream message = null;
            int messageOpcode = 0;
            boolean compressed = false;
            while (true) {
                byte[] head = new byte[FrameHeaders.MAX_HEADER_LENGTH];
                in.readFully(head, 0, 2);
                int extra = ((head[1] & 0x7F) == 126 ? 2 : (head[1] & 0x7F) == 127 ? 8 : 0) + ((head[1] & 0x80) != 0 ? 4 : 0);
                in.readFully(head, 2, extra);
                FrameHeader h = FrameHeaders.parse(head, 0, 2 + extra);
                if (h.opcode() == Opcode.CLOSE && h.rsv() == 0 && h.masked() && h.fin()) {
                    in.readFully(new byte[(int) h.payloadLength()]); // never looked at: fault 2
                    out.write(Frames.close(1000));
                    return;
                }
                String bad = FrameHeaders.violation(h, true, allowedRsv);
                boolean orphan = h.opcode() == Opcode.CONTINUATION && message == null;
                boolean interleaved = !Opcode.isControl(h.opcode()) && h.opcode() != Opcode.CONTINUATION && message != null;
                if (bad == null && (orphan || interleaved)) {
                    bad = "fragment order";
                }
                if (bad != null) {
                    failAndWait(s, in, out);
                    return;
                }
                byte[] payload = new byte[(int) h.payloadLength()];
                in.readFully(payload);
                Masking.unmask(payload, 0, payload.length, h.maskKey(), 0);
                if (h.opcode() == Opcode.PING) {
                    out.write(Frames.frame(Opcode.PONG, payload));
                    continue;
                }
                if (h.opcode() == Opcode.PONG) {
                    continue;
                }
                if (message == null) {
                    message = new ByteArrayOutputStream();
                    messageOpcode = h.opcode();
                    compressed = (h.rsv() & 4) != 0;
                }
                message.writeBytes(payload); // text is never checked for UTF-8: fault 1
                if (h.fin()) {
                    out.write(deflate.echo(messageOpcode, compressed, message.toByteArray()));
                    message = null;
                }
            }
        } catch (IOException | RuntimeException | java.util.zip.DataFormatException e) {
            // connection over
        }
    }

    /**
     * Close 1002, then wait (1 s at most) for the client's answer before closing TCP. A masked
     * Close answer takes at least 6 bytes; the pending input may also hold the rest of the bad
     * frame, so this is approximate, which is fine for a test double.
     */
    private static void failAndWait(Socket s, InputStream in, OutputStream out) throws IOException {
        out.write(Frames.close(1002));
        out.flush();
        s.setSoTimeout(1000);
        int seen = 0;
        try {
            while (seen < 6 && in.read() >= 0) {
                seen++;
            }
        } catch (java.net.SocketTimeoutException e) {
            // the client never answered: close anyway
        }
    }

    /** @return null when the upgrade failed, else the extension accepted ("" for none) */
    private String handshake(InputStream in, OutputStream out) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
        }
        String key = null;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                key = line.substring(line.indexOf(':') + 1).trim();
            }
        }
        if (key == null) {
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return null;
        }
        String extension = deflate.answer(head.toString(StandardCharsets.ISO_8859_1));
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Handshake.acceptKey(key) + "\r\n"
                + (extension == null ? "" : "Sec-WebSocket-Extensions: " + extension + "\r\n")
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return extension == null ? "" : extension;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** Unmasked server frames. */
    private static final class Frames {
        static byte[] close(int code) {
            return frame(Opcode.CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
        }

        static byte[] frame(int opcode, byte[] payload) {
            int hl = FrameHeaders.headerLength(false, payload.length);
            byte[] f = new byte[hl + payload.length];
            FrameHeaders.encode(f, 0, true, 0, opcode, false, 0, payload.length);
            System.arraycopy(payload, 0, f, hl, payload.length);
            return f;
        }
    }
}
