package io.switchboard.conformance;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A WebSocket client built on the JDK's {@link java.net.http.WebSocket} (an implementation
 * independent of the proxy). Reassembles partial messages, queues whole messages (a
 * {@link String} for text, a {@code byte[]} for binary) and pongs, and records the Close it got.
 * Every wait is bounded.
 */
public final class JdkWsClient implements WebSocket.Listener, AutoCloseable {
    /** One shared HTTP/1.1 client for all tests. */
    public static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<CloseInfo> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
    private volatile WebSocket ws;

    private JdkWsClient() {
    }

    /** Connects to {@code uri} with no extra headers or subprotocols. */
    public static JdkWsClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    /**
     * Connects (bounded by 15 s) and returns the open client.
     *
     * @param headers      extra request headers (e.g. {@code X-User}, {@code Cookie})
     * @param subprotocols offered subprotocols, most preferred first
     * @throws CompletionFailure when the handshake fails (its cause is the JDK's exception, e.g.
     *                           {@link java.net.http.WebSocketHandshakeException} with the status)
     */
    public static JdkWsClient connect(URI uri, Map<String, String> headers, String... subprotocols) {
        JdkWsClient c = new JdkWsClient();
        WebSocket.Builder b = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(b::header);
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        try {
            c.ws = b.buildAsync(uri, c).get(15, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CompletionFailure("WebSocket handshake to " + uri + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new CompletionFailure("WebSocket handshake to " + uri + " did not finish: " + e, e);
        }
        return c;
    }

    /** The underlying JDK WebSocket. */
    public WebSocket socket() {
        return ws;
    }

    /** Sends a text message and waits until it is handed to the network. */
    public void sendText(String s) {
        join(ws.sendText(s, true));
    }

    /** Sends a binary message and waits until it is handed to the network. */
    public void sendBinary(byte[] b) {
        join(ws.sendBinary(ByteBuffer.wrap(b), true));
    }

    /** Sends a ping. */
    public void sendPing(byte[] b) {
        join(ws.sendPing(ByteBuffer.wrap(b)));
    }

    /** Sends a Close (the reply arrives through {@link #awaitClose}). */
    public void sendClose(int code, String reason) {
        join(ws.sendClose(code, reason));
    }

    /** Sends {@code s} and returns the next text message. */
    public String request(String s) {
        sendText(s);
        return nextText();
    }

    /** The next whole text message (fails if a binary one comes first or none within 30 s). */
    public String nextText() {
        Object m = next();
        if (!(m instanceof String s)) {
            throw new AssertionError("expected a text message, got " + describe(m));
        }
        return s;
    }

    /** The next whole binary message. */
    public byte[] nextBinary() {
        Object m = next();
        if (!(m instanceof byte[] b)) {
            throw new AssertionError("expected a binary message, got " + describe(m));
        }
        return b;
    }

    private Object next() {
        try {
            Object m = messages.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("no message within " + WAIT + (closed.isDone() ? "; closed: " + closed.getNow(null) : ""));
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The payload of the next pong (bounded). */
    public byte[] nextPong() {
        try {
            byte[] p = pongs.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (p == null) {
                throw new AssertionError("no pong within " + WAIT);
            }
            return p;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for the Close from the other side (bounded by {@code timeout}). */
    public CloseInfo awaitClose(Duration timeout) {
        try {
            return closed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("connection failed instead of closing: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no Close within " + timeout, e);
        }
    }

    private static String describe(Object m) {
        return m instanceof byte[] b ? "binary of " + b.length + " bytes" : "text '" + m + "'";
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CompletionFailure("send failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new CompletionFailure("send did not finish: " + e, e);
        }
    }

    // --- Listener ---

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        binary.writeBytes(chunk);
        if (last) {
            messages.add(binary.toByteArray());
            binary.reset();
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        byte[] p = new byte[message.remaining()];
        message.get(p);
        pongs.add(p);
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        webSocket.request(1); // the JDK answers with a pong by itself
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(new CloseInfo(statusCode, reason));
        return null; // the JDK then replies with a Close of its own
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    /** Closes politely (1000) if still open, then aborts whatever is left. */
    @Override
    public void close() {
        WebSocket w = ws;
        if (w == null) {
            return;
        }
        try {
            // after the peer's Close the JDK sends its own reply once onClose returns: sending 1000
            // here as well would race it and could reach the peer first
            if (!w.isOutputClosed() && !closed.isDone()) {
                w.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            }
            closed.get(5, TimeUnit.SECONDS);
            // the JDK's own reply to the peer's Close goes out asynchronously after onClose returned;
            // aborting before it is on the wire would look like a dropped client (1001 to the backend)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!w.isOutputClosed() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            Thread.sleep(50);
        } catch (Exception e) {
            // best effort
        } finally {
            w.abort();
        }
    }

    /**
     * A Close as received.
     *
     * @param code   its status code
     * @param reason its reason
     */
    public record CloseInfo(int code, String reason) {
    }

    /** A handshake or send that failed; {@link #getCause()} is the JDK's exception. */
    public static final class CompletionFailure extends RuntimeException {
        CompletionFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
