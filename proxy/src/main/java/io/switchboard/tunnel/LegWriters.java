package io.switchboard.tunnel;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;

/**
 * The blocking kinds of {@link LegWriter}, used when a tunnel keeps its two threads (TLS on a leg):
 * toward the client through Helidon, toward the backend on a socket. {@link ChannelWriter} is the
 * event loop's.
 */
final class LegWriters {
    private LegWriters() {
    }

    /** Writes to the client through Helidon's connection writer (synchronous: TCP backpressure). */
    static final class ClientWriter extends LegWriter {
        private final ConnectionContext ctx;

        ClientWriter(ConnectionContext ctx) {
            this.ctx = ctx;
        }

        @Override
        protected boolean writeToSocket(byte[] b, int off, int len) {
            ctx.dataWriter().writeNow(BufferData.create(b, off, len));
            return true;
        }

        @Override
        void closeSocket() {
            try {
                ctx.serverSocket().close();
            } catch (RuntimeException e) {
                // already closed
            }
        }
    }

    /** Writes to the backend socket directly (unbuffered: each relay write is one send). */
    static final class BackendWriter extends LegWriter {
        private final Socket socket;
        private final OutputStream out;

        BackendWriter(Socket socket, OutputStream out) {
            this.socket = socket;
            this.out = out;
        }

        @Override
        protected boolean writeToSocket(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            return true;
        }

        @Override
        void closeSocket() {
            UpstreamDialer.closeQuietly(socket);
        }
    }
}
