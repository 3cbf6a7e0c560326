package io.switchboard.conformance;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Misbehaving or scripted backends on a plain {@link ServerSocket} (127.0.0.1, ephemeral port),
 * one virtual thread per connection. Each keeps the request heads it received.
 */
public final class StubBackend implements AutoCloseable {
    /** What the stub does with a connection. */
    private interface Behaviour {
        void serve(Socket s, String requestHead) throws IOException;
    }

    private final ServerSocket server;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final boolean readHead;
    private final Behaviour behaviour;

    private StubBackend(boolean readHead, Behaviour behaviour) {
        this.readHead = readHead;
        this.behaviour = behaviour;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Thread.ofVirtual().name("stub-accept-" + server.getLocalPort()).start(this::acceptLoop);
    }

    /** Accepts TCP and reads the request, but never answers (until closed). */
    public static StubBackend hanging() {
        return new StubBackend(true, (s, head) -> {
            try {
                s.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // closed
            }
        });
    }

    /** Answers every request with {@code status reason}, a text body, and closes. */
    public static StubBackend status(int status, String reason, String body) {
        return new StubBackend(true, (s, head) -> {
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String resp = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\nContent-Length: " + b.length
                    + "\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(resp.getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.flush();
        });
    }

    /**
     * Accepts the upgrade and, in the same TCP write as its 101, sends a text frame
     * {@code greeting}; then answers a Close with the same code and ends.
     */
    public static StubBackend greeter(String greeting) {
        return greeting(greeting, false, 0);
    }

    /** As {@link #greeter}, but the 101 comes {@code delayMillis} after the request. */
    public static StubBackend slowGreeter(String greeting, long delayMillis) {
        return greeting(greeting, false, delayMillis);
    }

    /**
     * As {@link #greeter}, but the 101 and the frame are written one byte per TCP segment, 1 ms
     * apart: the proxy has to gather the backend's answer over many reads.
     */
    public static StubBackend dribbler(String greeting) {
        return greeting(greeting, true, 0);
    }

    /** Answers {@code status} with a body that has no length and ends when the stub closes TCP. */
    public static StubBackend statusUntilEof(int status, String reason, String body) {
        return new StubBackend(true, (s, head) -> {
            OutputStream out = s.getOutputStream();
            out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            sleep(50); // the body in a later segment than the head
            out.write(body.getBytes(StandardCharsets.UTF_8));
            out.flush();
        });
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static StubBackend greeting(String greeting, boolean dribble, long delayMillis) {
        return new StubBackend(true, (s, head) -> {
            sleep(delayMillis);
            String key = header(head, "sec-websocket-key");
            String resp = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + RawWsClient.acceptFor(key) + "\r\n\r\n";
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(resp.getBytes(StandardCharsets.ISO_8859_1));
            all.writeBytes(RawWsClient.frame(true, RawWsClient.TEXT, greeting.getBytes(StandardCharsets.UTF_8), false));
            OutputStream out = s.getOutputStream();
            if (dribble) {
                for (byte b : all.toByteArray()) {
                    out.write(b);
                    out.flush();
                    sleep(1);
                }
            } else {
                out.write(all.toByteArray());
                out.flush();
            }
            // wait for the client's Close (masked) and answer it
            InputStream in = s.getInputStream();
            while (true) {
                int b0 = in.read();
                int b1 = in.read();
                if (b0 < 0 || b1 < 0) {
                    return;
                }
                int len = b1 & 0x7f;
                if (len >= 126) {
                    return; // not needed by the tests
                }
                byte[] mask = in.readNBytes((b1 & 0x80) != 0 ? 4 : 0);
                byte[] p = in.readNBytes(len);
                for (int i = 0; i < p.length && mask.length == 4; i++) {
                    p[i] ^= mask[i & 3];
                }
                if ((b0 & 0x0f) == RawWsClient.CLOSE) {
                    out.write(RawWsClient.frame(true, RawWsClient.CLOSE, p, false));
                    out.flush();
                    return;
                }
            }
        });
    }

    /**
     * Accepts the upgrade (a plain 101) and then records every byte it receives, unparsed, for
     * byte-for-byte comparisons ({@link #recorded()}).
     */
    public static StubBackend recorder() {
        StubBackend[] self = new StubBackend[1];
        self[0] = new StubBackend(true, (s, head) -> {
            String key = header(head, "sec-websocket-key");
            String resp = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + RawWsClient.acceptFor(key) + "\r\n\r\n";
            s.getOutputStream().write(resp.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (self[0].received) {
                    self[0].received.write(buf, 0, n);
                }
            }
        });
        return self[0];
    }

    private final ByteArrayOutputStream received = new ByteArrayOutputStream();

    /** Every byte received after the request heads (see {@link #recorder()}). */
    public byte[] recorded() {
        synchronized (received) {
            return received.toByteArray();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                Thread.ofVirtual().start(() -> handle(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void handle(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            String head = readHead ? readHead(s.getInputStream()) : "";
            requests.add(head);
            behaviour.serve(s, head);
        } catch (IOException e) {
            // the proxy went away
        } finally {
            open.remove(s);
        }
    }

    /** Reads an HTTP head up to and including its blank line (less at EOF); nothing after it is consumed. */
    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.write(c);
            matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** A header value of a raw request head by case-insensitive name, or "". */
    static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** The request heads received so far. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    /** An address where nothing listens: a port that was bound a moment ago and released. */
    public static String deadAddress() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "127.0.0.1:" + s.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
