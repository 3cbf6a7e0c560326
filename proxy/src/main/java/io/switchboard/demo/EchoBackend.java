package io.switchboard.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.http1.Http1ConnectionSelectorConfig;
import io.helidon.webserver.http1.spi.Http1Upgrader;
import io.helidon.webserver.spi.ServerConnection;
import io.switchboard.tunnel.TunnelUpgrader;
import io.switchboard.ws.CloseCodes;
import io.switchboard.ws.ClosePayload;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Handshake;
import io.switchboard.ws.Masking;
import io.switchboard.ws.Opcode;

/**
 * A small WebSocket echo server for the demo (and as a test backend): echoes every data frame
 * as it arrives (same opcode and FIN, so fragmented messages come back fragmented), answers
 * pings with pongs, echoes the Close, and says its name: in the {@code X-Backend} header of every
 * response (the 101 included), on {@code GET /name}, and in reply to the text message
 * {@code /name}. {@code GET /} serves the demo page. Not a conforming endpoint: it does not
 * validate frames; it exists to show where a connection landed.
 */
public final class EchoBackend implements AutoCloseable {
    private final String name;
    private final WebServer server;

    private EchoBackend(String name, WebServer server) {
        this.name = name;
        this.server = server;
    }

    /** Starts a backend called {@code name} on 127.0.0.1 and an ephemeral port. */
    public static EchoBackend start(String name) {
        Http1Upgrader upgrader = new Upgrader(name);
        Http1ConnectionSelectorConfig.Builder selector = Http1ConnectionSelector.builder().config(Http1Config.create());
        for (String spelling : TunnelUpgrader.SPELLINGS) {
            selector.putUpgrader(spelling, upgrader);
        }
        byte[] page = demoPage();
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .addConnectionSelector(selector.build())
                .routing(r -> r
                        .get("/name", (req, res) -> res.header("X-Backend", name).send(name + "\n"))
                        .get("/", (req, res) -> res.header("X-Backend", name)
                                .header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8").send(page)))
                .build()
                .start();
        return new EchoBackend(name, server);
    }

    private static byte[] demoPage() {
        try (InputStream in = EchoBackend.class.getResourceAsStream("/demo.html")) {
            return in == null ? "demo page missing".getBytes(StandardCharsets.UTF_8) : in.readAllBytes();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The backend's name. */
    public String name() {
        return name;
    }

    /** Its address as {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
        server.stop();
    }

    private record Upgrader(String name) implements Http1Upgrader {
        @Override
        public String supportedProtocol() {
            return "websocket";
        }

        @Override
        public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
            String key = headers.first(TunnelUpgrader.SEC_WEBSOCKET_KEY).orElse("");
            String head = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + Handshake.acceptKey(key) + "\r\nX-Backend: " + name + "\r\n\r\n";
            ctx.dataWriter().writeNow(BufferData.create(head.getBytes(StandardCharsets.ISO_8859_1)));
            return new EchoConnection(ctx, name);
        }
    }

    /** Reads frames one at a time on the connection's virtual thread and answers each. */
    private static final class EchoConnection implements ServerConnection {
        private final ConnectionContext ctx;
        private final String name;

        EchoConnection(ConnectionContext ctx, String name) {
            this.ctx = ctx;
            this.name = name;
        }

        @Override
        public void handle(io.helidon.common.concurrency.limits.Limit limit) {
            DataReader in = ctx.dataReader();
            try {
                while (echoOneFrame(in)) {
                    // next frame
                }
            } catch (RuntimeException e) {
                // the client went away
            }
        }

        /** @return false after a Close */
        private boolean echoOneFrame(DataReader in) {
            byte[] head = in.readBytes(2);
            int extra = (head[1] & 0x7f) == 126 ? 2 : (head[1] & 0x7f) == 127 ? 8 : 0;
            int maskLen = (head[1] & 0x80) != 0 ? 4 : 0;
            byte[] full = new byte[2 + extra + maskLen];
            System.arraycopy(head, 0, full, 0, 2);
            System.arraycopy(in.readBytes(extra + maskLen), 0, full, 2, extra + maskLen);
            var h = FrameHeaders.parse(full, 0, full.length);
            byte[] payload = in.readBytes((int) h.payloadLength());
            if (h.masked()) {
                Masking.unmask(payload, 0, payload.length, h.maskKey(), 0);
            }
            switch (h.opcode()) {
                case Opcode.PING -> send(true, Opcode.PONG, payload);
                case Opcode.PONG -> { }
                case Opcode.CLOSE -> {
                    send(true, Opcode.CLOSE, closeReply(payload));
                    return false;
                }
                default -> {
                    if (h.opcode() == Opcode.TEXT && h.fin() && "/name".equals(new String(payload, StandardCharsets.UTF_8))) {
                        payload = name.getBytes(StandardCharsets.UTF_8);
                    }
                    send(h.fin(), h.opcode(), payload);
                }
            }
            return true;
        }

        /** RFC 6455 §5.5.1: echo the status code; an empty Close is answered with an empty one. */
        private static byte[] closeReply(byte[] payload) {
            if (payload.length < 2) {
                return new byte[0];
            }
            int code = ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            return new ClosePayload(CloseCodes.isValidOnWire(code) ? code : CloseCodes.PROTOCOL_ERROR, "").encode();
        }

        private void send(boolean fin, int opcode, byte[] payload) {
            byte[] frame = new byte[FrameHeaders.headerLength(false, payload.length) + payload.length];
            int n = FrameHeaders.encode(frame, 0, fin, 0, opcode, false, 0, payload.length);
            System.arraycopy(payload, 0, frame, n, payload.length);
            ctx.dataWriter().writeNow(BufferData.create(frame));
        }

        @Override
        public java.time.Duration idleTime() {
            return java.time.Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            ctx.serverSocket().close();
        }
    }
}
