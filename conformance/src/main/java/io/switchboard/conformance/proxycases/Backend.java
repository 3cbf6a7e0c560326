package io.switchboard.conformance.proxycases;

import io.switchboard.ws.Handshake;
import io.switchboard.ws.Opcode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted WebSocket backend on a plain {@link ServerSocket}: it behaves the way a case needs,
 * including ways no server library would (answer the upgrade with a frame in the same packet,
 * never answer at all, drop TCP in the middle of a message). One thread per connection.
 *
 * <p>Every upgrade it accepts carries {@code X-Backend: NAME} in its 101, so a client can tell
 * where it landed. In {@link Mode#MANUAL} the case drives each connection itself ({@link #next});
 * in {@link Mode#ECHO} the backend echoes on its own and the case only inspects what it saw.
 */
public final class Backend implements Upstream {
    /** How the backend treats an upgrade request. */
    public enum Mode {
        /** 101, then the connection is handed to the case. */
        MANUAL,
        /** 101, then every data frame is echoed as is, pings answered, a Close echoed and TCP closed. */
        ECHO,
        /** An HTTP error status instead of the 101, then TCP closed. */
        REFUSE,
        /** The request is read and never answered; the backend waits for the proxy to hang up. */
        SILENT
    }

    private final String name;
    private final Mode mode;
    private final int status;
    private final byte[] after101;
    private final ServerSocket server;
    private final BlockingQueue<Peer> arrivals = new LinkedBlockingQueue<>();
    private final List<Peer> peers = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Long>> hangUps = new CopyOnWriteArrayList<>();

    private Backend(String name, Mode mode, int status, byte[] after101) {
        this.name = name;
        this.mode = mode;
        this.status = status;
        this.after101 = after101;
        try {
            server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("backend-" + name).start(this::acceptLoop);
    }

    /** A backend whose connections the case drives ({@link #next}). */
    public static Backend manual(String name) {
        return new Backend(name, Mode.MANUAL, 101, new byte[0]);
    }

    /** Like {@link #manual(String)}, and {@code after101} is written in the same write as the 101. */
    public static Backend manualWithEarlyBytes(String name, byte[] after101) {
        return new Backend(name, Mode.MANUAL, 101, after101);
    }

    /** An echoing backend (see {@link Mode#ECHO}). */
    public static Backend echo(String name) {
        return new Backend(name, Mode.ECHO, 101, new byte[0]);
    }

    /** A backend answering every upgrade with {@code status}. */
    public static Backend refusing(String name, int status) {
        return new Backend(name, Mode.REFUSE, status, new byte[0]);
    }

    /** A backend that accepts TCP and never answers the upgrade. */
    public static Backend silent(String name) {
        return new Backend(name, Mode.SILENT, 0, new byte[0]);
    }

    /** The name given at start (sent as {@code X-Backend}). */
    public String name() {
        return name;
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** The next upgraded connection not yet taken, waiting up to {@code timeout}; null if none came. */
    public Peer next(Duration timeout) throws InterruptedException {
        return arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Every upgraded connection so far, in arrival order. */
    public List<Peer> peers() {
        return List.copyOf(peers);
    }

    /** The request heads received so far (any mode). */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * For {@link Mode#SILENT}: per connection, completed with {@link System#nanoTime()} when the
     * proxy closed it.
     */
    public List<CompletableFuture<Long>> hangUps() {
        return List.copyOf(hangUps);
    }

    /** The body of this backend's refusals. */
    public String refusalBody() {
        return "refused by backend " + name + " with " + status + "\n";
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                sockets.add(s);
                Thread.ofVirtual().name("backend-" + name + "-conn").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try {
            String head = readHead(s.getInputStream());
            requests.add(head);
            switch (mode) {
                case MANUAL, ECHO -> upgrade(s, head);
                case REFUSE -> refuse(s);
                case SILENT -> waitForHangUp(s);
            }
        } catch (IOException e) {
            closeQuietly(s); // the proxy went away before the head was complete
        }
    }

    private void upgrade(Socket s, String head) throws IOException {
        String key = header(head, "sec-websocket-key");
        byte[] answer = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + Handshake.acceptKey(key) + "\r\nX-Backend: " + name + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] packet = Arrays.copyOf(answer, answer.length + after101.length);
        System.arraycopy(after101, 0, packet, answer.length, after101.length);
        Peer peer = new Peer("backend " + name, s, new byte[0], false);
        peer.write(packet); // the 101 and any early frame in one write, so in one segment
        peers.add(peer);
        if (mode == Mode.ECHO) {
            echo(peer);
        } else {
            arrivals.add(peer);
        }
    }

    private void echo(Peer peer) {
        try {
            while (true) {
                Frame f = peer.read(Duration.ofSeconds(60));
                if (f == null || f.isEnd()) {
                    break;
                }
                if (f.isData()) {
                    peer.send(f.opcode(), f.fin(), f.payload());
                } else if (f.opcode() == Opcode.PING) {
                    peer.send(Opcode.PONG, true, f.payload());
                } else if (f.isClose()) {
                    peer.send(Opcode.CLOSE, true, f.payload());
                    break;
                }
            }
        } catch (IOException e) {
            // the proxy closed the connection while we answered
        }
        peer.close();
    }

    private void refuse(Socket s) throws IOException {
        String reason = switch (status) {
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            default -> "Refused";
        };
        byte[] body = refusalBody().getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain\r\nContent-Length: "
                + body.length + "\r\nX-Backend: " + name + "\r\nConnection: close\r\n\r\n";
        s.getOutputStream().write((head + refusalBody()).getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
        closeQuietly(s);
    }

    private void waitForHangUp(Socket s) {
        CompletableFuture<Long> hungUp = new CompletableFuture<>();
        hangUps.add(hungUp);
        try {
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // a silent backend ignores whatever else arrives
            }
        } catch (IOException e) {
            // a reset is a hang-up too
        }
        hungUp.complete(System.nanoTime());
        closeQuietly(s);
    }

    /** Reads the request head byte by byte, so bytes pipelined after it stay in the stream. */
    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int b = in.read();
            if (b < 0 || head.length() > 16 * 1024) {
                throw new IOException("no complete request head");
            }
            head.append((char) b);
        }
        return head.substring(0, head.length() - 4);
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return "";
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        sockets.forEach(Backend::closeQuietly);
    }

    private static void closeQuietly(ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
