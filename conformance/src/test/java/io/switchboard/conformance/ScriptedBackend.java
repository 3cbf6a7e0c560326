package io.switchboard.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

import io.switchboard.ws.Handshake;

/**
 * A WebSocket backend whose behaviour after the 101 is a script run on the raw socket: go silent,
 * send a frame in 1-byte chops, and so on. For behaviours no real server library would show.
 */
public final class ScriptedBackend implements AutoCloseable {
    /** What the backend does with a connection once its 101 is sent. */
    @FunctionalInterface
    public interface Script {
        void run(Socket socket, InputStream in, OutputStream out) throws Exception;
    }

    private final ServerSocket server;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private ScriptedBackend(Script script) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> acceptLoop(script));
    }

    /** Starts a backend on 127.0.0.1 that runs {@code script} for each connection. */
    public static ScriptedBackend start(Script script) {
        try {
            return new ScriptedBackend(script);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void acceptLoop(Script script) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                Thread.ofVirtual().start(() -> serve(s, script));
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket s, Script script) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            String key = readKey(in);
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.acceptKey(key) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            script.run(s, in, out);
        } catch (Exception e) {
            // the proxy closed the connection: expected in most scripts
        }
    }

    /** Reads the request head byte by byte (nothing after it is consumed) and returns its key. */
    private static String readKey(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed during the handshake");
            }
            head.append((char) b);
        }
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("sec-websocket-key:")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        throw new IOException("no Sec-WebSocket-Key");
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Whether the proxy has closed the backend side of connection {@code i} (reads EOF or reset). */
    public boolean isClosedByPeer(int i) {
        try {
            Socket s = accepted.get(i);
            s.setSoTimeout(1);
            return s.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            for (Socket s : accepted) {
                s.close();
            }
        } catch (IOException e) {
            // closing anyway
        }
    }
}
