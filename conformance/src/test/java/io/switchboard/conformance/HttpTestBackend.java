package io.switchboard.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A plain HTTP backend on the JDK's {@link HttpServer} (127.0.0.1, ephemeral port):
 * <ul>
 *   <li>{@code GET /hello}: 200 {@code hello from http-backend}, header {@code X-Test-Backend: yes}</li>
 *   <li>{@code GET /sse}: {@value #SSE_EVENTS} Server-Sent Events {@value #SSE_GAP_MS} ms apart, each flushed</li>
 *   <li>{@code GET /big}: {@link #BIG} bytes of {@link #patternByte} in chunked encoding;
 *       {@link #bigWritten()} tells how far the writer got</li>
 *   <li>{@code POST /upload}: reads the body, checks it against {@link #patternByte}, answers
 *       {@code count=N ok=BOOL}</li>
 *   <li>{@code /headers}: the request headers, one {@code lower-case-name: value} line each</li>
 * </ul>
 */
public final class HttpTestBackend implements AutoCloseable {
    /** Size of {@code /big} and of the upload test: 100 MiB. */
    public static final long BIG = 100L * 1024 * 1024;
    /** Number of events {@code /sse} sends. */
    public static final int SSE_EVENTS = 5;
    /** Pause between events. */
    public static final int SSE_GAP_MS = 300;
    /** How long {@code /slow} takes to answer: longer than the 5 s Helidon gives requests when it stops. */
    public static final int SLOW_MS = 6_500;

    private final HttpServer server;
    private final AtomicLong bigWritten = new AtomicLong();

    private HttpTestBackend(HttpServer server) {
        this.server = server;
    }

    /** Starts the backend. */
    public static HttpTestBackend start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            HttpTestBackend b = new HttpTestBackend(s);
            s.setExecutor(Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "http-backend");
                t.setDaemon(true);
                return t;
            }));
            s.createContext("/hello", b::hello);
            s.createContext("/sse", b::sse);
            s.createContext("/big", b::big);
            s.createContext("/upload", b::upload);
            s.createContext("/headers", b::headers);
            s.createContext("/raw", b::raw);
            s.createContext("/slow", b::slow);
            s.start();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The byte at offset {@code i} of the generated bodies. */
    public static byte patternByte(long i) {
        return (byte) (i % 251);
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many bytes of the current/last {@code /big} response the handler has written. */
    public long bigWritten() {
        return bigWritten.get();
    }

    private void hello(HttpExchange ex) throws IOException {
        byte[] body = "hello from http-backend".getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("X-Test-Backend", "yes");
        ex.getResponseHeaders().add("Content-Type", "text/plain");
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    private void sse(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream os = ex.getResponseBody()) {
            for (int i = 1; i <= SSE_EVENTS; i++) {
                os.write(("data: event " + i + "\n\n").getBytes(StandardCharsets.UTF_8));
                os.flush();
                if (i < SSE_EVENTS) {
                    Thread.sleep(SSE_GAP_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void big(HttpExchange ex) throws IOException {
        bigWritten.set(0);
        ex.getResponseHeaders().add("Content-Type", "application/octet-stream");
        ex.sendResponseHeaders(200, 0); // chunked
        byte[] buf = new byte[64 * 1024];
        try (OutputStream os = ex.getResponseBody()) {
            long off = 0;
            while (off < BIG) {
                int n = (int) Math.min(buf.length, BIG - off);
                for (int i = 0; i < n; i++) {
                    buf[i] = patternByte(off + i);
                }
                os.write(buf, 0, n);
                off += n;
                bigWritten.set(off);
            }
        }
    }

    private void upload(HttpExchange ex) throws IOException {
        long count = 0;
        boolean ok = true;
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = ex.getRequestBody()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n && ok; i++) {
                    ok = buf[i] == patternByte(count + i);
                }
                count += n;
            }
        }
        byte[] body = ("count=" + count + " ok=" + ok).getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    /** Answers "done" after {@link #SLOW_MS}. */
    private void slow(HttpExchange ex) throws IOException {
        try {
            Thread.sleep(SLOW_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        byte[] body = "done".getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    /** Answers with the request body's bytes as they arrived, and the Content-Encoding they came with. */
    private void raw(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readAllBytes();
        ex.getResponseHeaders().add("X-Seen-Content-Encoding", String.valueOf(ex.getRequestHeaders().getFirst("Content-Encoding")));
        ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    private void headers(HttpExchange ex) throws IOException {
        StringBuilder b = new StringBuilder();
        Map<String, List<String>> sorted = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> sorted.put(k.toLowerCase(Locale.ROOT), v));
        sorted.forEach((k, v) -> b.append(k).append(": ").append(String.join(", ", v)).append('\n'));
        byte[] body = b.toString().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /** An {@link InputStream} of {@code size} bytes of {@link #patternByte}, generated as read. */
    public static InputStream patternStream(long size) {
        return new InputStream() {
            private long pos;

            @Override
            public int read() {
                return pos < size ? patternByte(pos++) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                for (int i = 0; i < n; i++) {
                    b[off + i] = patternByte(pos + i);
                }
                pos += n;
                return n;
            }
        };
    }
}
