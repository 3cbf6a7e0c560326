package io.switchboard.conformance.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Handshake;
import io.switchboard.ws.Masking;
import io.switchboard.ws.Opcode;

/**
 * The benchmark's echo backend: one NIO selector thread serving WebSockets on {@code K} listening
 * ports (K "backends" for the proxies' hash pools, at the cost of one thread). It answers the
 * upgrade with a 101, echoes each data frame with its opcode and FIN, answers a Ping with a Pong
 * and a Close with a Close (then closes the TCP connection, server first, as RFC 6455 §7.1.1
 * asks). Everything a read brings in is answered with one write.
 *
 * <p>Why not the demo's {@code EchoBackend}: it reads each frame with several small blocking
 * reads and allocates per frame on a virtual thread per connection; sharing a core with the
 * generator, it would cap the direct figure well below what the proxies could do. This one is
 * not a conforming endpoint (it validates nothing); it is a fast mirror.
 *
 * <p>Usage: {@code EchoServer [K]} (default 2); prints {@code ready 127.0.0.1:P1,127.0.0.1:P2,...}.
 */
public final class EchoServer {
    private static final int BUFFER = 16 * 1024;

    private EchoServer() {
    }

    public static void main(String[] args) throws IOException {
        int ports = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        Selector selector = Selector.open();
        System.out.println("ready " + String.join(",", listen(selector, ports)));
        System.out.flush();
        serve(selector);
    }

    /**
     * Starts the server on a daemon thread of this JVM (for tests); returns its
     * {@code 127.0.0.1:PORT} addresses.
     */
    public static List<String> startInProcess(int ports) throws IOException {
        Selector selector = Selector.open();
        List<String> addresses = listen(selector, ports);
        Thread.ofPlatform().daemon().name("echo-server").start(() -> {
            try {
                serve(selector);
            } catch (IOException e) {
                // the selector broke: the test using it will see refused or dead connections
            }
        });
        return addresses;
    }

    private static List<String> listen(Selector selector, int ports) throws IOException {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < ports; i++) {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            addresses.add("127.0.0.1:" + ((InetSocketAddress) server.getLocalAddress()).getPort());
        }
        return addresses;
    }

    private static void serve(Selector selector) throws IOException {
        while (true) {
            selector.select(key -> ready(selector, key));
        }
    }

    private static void ready(Selector selector, SelectionKey key) {
        try {
            if (key.isAcceptable()) {
                accept(selector, (ServerSocketChannel) key.channel());
                return;
            }
            Conn c = (Conn) key.attachment();
            if (key.isWritable()) {
                c.flush();
            }
            if (key.isValid() && key.isReadable()) {
                c.read();
            }
        } catch (IOException | RuntimeException e) {
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // gone
            }
        }
    }

    private static void accept(Selector selector, ServerSocketChannel server) throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(ch);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
        }
    }

    /** One client: bytes read but not yet answered, and answers not yet written. */
    private static final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        ByteBuffer in = ByteBuffer.allocate(BUFFER);
        ByteBuffer out = ByteBuffer.allocate(BUFFER);
        boolean upgraded;
        boolean closing;

        Conn(SocketChannel ch) {
            this.ch = ch;
        }

        void read() throws IOException {
            if (ch.read(in) < 0) {
                close();
                return;
            }
            if (!upgraded && !upgrade()) {
                return;
            }
            answer();
            flush();
        }

        /** @return true once the request head is in and answered */
        private boolean upgrade() throws IOException {
            int end = WsWire.endOfHead(in.array(), in.position());
            if (end < 0) {
                if (!in.hasRemaining()) {
                    close();
                }
                return false;
            }
            String key = null;
            for (String line : new String(in.array(), 0, end, StandardCharsets.ISO_8859_1).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                    key = line.substring(line.indexOf(':') + 1).trim();
                }
            }
            String head = key == null
                    ? "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    : "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.acceptKey(key) + "\r\n\r\n";
            out.put(head.getBytes(StandardCharsets.ISO_8859_1));
            closing = key == null;
            upgraded = true;
            in.limit(in.position()).position(end);
            in.compact();
            return true;
        }

        /** Turns every complete frame in {@code in} into its answer in {@code out}, room permitting. */
        private void answer() {
            byte[] a = in.array();
            int pos = 0;
            int lim = in.position();
            while (!closing) {
                long total = WsWire.frameLength(a, pos, lim - pos);
                if (total < 0) {
                    break;
                }
                int head = (int) (total - payloadLength(a, pos));
                int len = (int) (total - head);
                if (total > a.length) {
                    ensureIn((int) total);
                    break;
                }
                if (lim - pos < total) {
                    break;
                }
                if (out.remaining() < len + FrameHeaders.MAX_HEADER_LENGTH) {
                    if (out.position() > 0) {
                        break; // answer the rest once the socket has taken what is queued
                    }
                    out = ByteBuffer.allocate(len + 2 * FrameHeaders.MAX_HEADER_LENGTH);
                }
                int b0 = a[pos] & 0xFF;
                int opcode = b0 & 0x0F;
                boolean masked = (a[pos + 1] & 0x80) != 0;
                int mask = masked ? (a[pos + head - 4] & 0xFF) << 24 | (a[pos + head - 3] & 0xFF) << 16
                        | (a[pos + head - 2] & 0xFF) << 8 | (a[pos + head - 1] & 0xFF) : 0;
                if (opcode != Opcode.PONG) {
                    int reply = opcode == Opcode.PING ? Opcode.PONG : opcode;
                    byte[] o = out.array();
                    int p = out.position();
                    p += FrameHeaders.encode(o, p, (b0 & 0x80) != 0, 0, reply, false, 0, len);
                    System.arraycopy(a, pos + head, o, p, len);
                    if (masked) {
                        Masking.unmask(o, p, len, mask, 0);
                    }
                    out.position(p + len);
                    closing = opcode == Opcode.CLOSE;
                }
                pos += (int) total;
            }
            in.limit(lim).position(pos);
            in.compact();
        }

        private static long payloadLength(byte[] a, int pos) {
            int len7 = a[pos + 1] & 0x7F;
            if (len7 < 126) {
                return len7;
            }
            int ext = len7 == 126 ? 2 : 8;
            long n = 0;
            for (int i = 0; i < ext; i++) {
                n = n << 8 | (a[pos + 2 + i] & 0xFF);
            }
            return n;
        }

        private void ensureIn(int size) {
            ByteBuffer bigger = ByteBuffer.allocate(size + 1024);
            in.flip();
            bigger.put(in);
            in = bigger;
        }

        /** Writes what is queued; while some is left, reads pause (backpressure on the client). */
        void flush() throws IOException {
            out.flip();
            ch.write(out);
            boolean rest = out.hasRemaining();
            out.compact();
            if (rest) {
                key.interestOps(SelectionKey.OP_WRITE);
                return;
            }
            if (closing) {
                close();
                return;
            }
            if (in.position() > 0 && upgraded) {
                int before = in.position();
                answer(); // frames held back while the socket was full
                if (in.position() != before) {
                    flush();
                    return;
                }
            }
            key.interestOps(SelectionKey.OP_READ);
        }

        private void close() throws IOException {
            key.cancel();
            ch.close();
        }
    }
}
