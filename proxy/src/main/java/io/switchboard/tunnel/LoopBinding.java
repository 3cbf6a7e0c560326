package io.switchboard.tunnel;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import io.switchboard.ws.CloseCodes;

/**
 * Joins an established tunnel's two sockets to a {@link ChannelLoop}: each socket's readiness
 * drives the same relay code the blocking threads run (proof of life, frame scanning, relaying,
 * the close handshake), on the loop thread. Backpressure: after a read, if the other leg's writer
 * kept bytes back, or this leg's own writer did (the proxy's replies to this peer: Pongs in
 * terminate mode, a Close), this socket is not read again until they are written. Without the
 * second rule a client that sends Pings and never reads would grow the proxy's Pong backlog
 * without bound. A relay may also stop part way through a read (inflating compressed messages,
 * whose output can be a thousand times the read); it goes on before the socket is read again.
 */
final class LoopBinding {
    private final TunnelConnection tunnel;
    private final ChannelLoop loop;
    private final End client;
    private final End backend;

    LoopBinding(TunnelConnection tunnel, ChannelLoop loop, SocketChannel clientChannel, SocketChannel backendChannel) {
        this.tunnel = tunnel;
        this.loop = loop;
        this.client = new End(Side.DOWNSTREAM, clientChannel);
        this.backend = new End(Side.UPSTREAM, backendChannel);
        client.other = backend;
        backend.other = client;
    }

    /**
     * Makes both sockets non-blocking and hands them to the loop, which first relays the bytes that
     * came before the switch (pipelined by the client after its request, sent by the backend with
     * its 101), then reads.
     */
    void start(byte[] pipelined, byte[] early) throws IOException {
        client.channel.configureBlocking(false);
        backend.channel.configureBlocking(false);
        loop.execute(() -> {
            try {
                client.register();
                backend.register();
            } catch (IOException e) {
                client.endOnce(); // a socket closed meanwhile: the tunnel ends as if it had been read
                return;
            }
            client.deliver(pipelined, pipelined.length);
            backend.deliver(early, early.length);
            client.resume();
            backend.resume();
            tunnel.opened();
        });
    }

    /** Runs {@code task} on the loop once the events being handled are done. */
    void afterEvents(Runnable task) {
        loop.execute(task);
    }

    /** One socket of the tunnel as the loop sees it. */
    private final class End implements ChannelLoop.Endpoint {
        private final Side side;
        private final SocketChannel channel;
        private End other;
        private SelectionKey key;
        private boolean ended;

        End(Side side, SocketChannel channel) {
            this.side = side;
            this.channel = channel;
        }

        private Leg leg() {
            return side == Side.DOWNSTREAM ? tunnel.clientLeg() : tunnel.backendLeg();
        }

        private ChannelWriter writer() {
            return (ChannelWriter) leg().out;
        }

        void register() throws IOException {
            key = loop.register(channel, 0, this);
            writer().registered(key);
            // the proxy closed this socket: its input is over, and the other side, which may have
            // stopped reading while this socket's backlog waited, reads again (its writes to this
            // socket are dropped now), so its Close reply is seen instead of waiting for the timer
            writer().onClose(() -> loop.execute(() -> {
                endOnce();
                other.resume();
            }));
        }

        @Override
        public void read(byte[] b, int n) {
            deliver(b, n);
        }

        void deliver(byte[] b, int n) {
            if (n == 0 || ended) {
                return;
            }
            process(() -> tunnel.received(side, b, n));
        }

        /** Runs the relay's work on what this side read, gathering its writes, then applies backpressure. */
        private void process(Runnable work) {
            ChannelWriter forward = other.writer();
            ChannelWriter back = writer();
            forward.beginBatch(loop.batchBuffer(true));
            back.beginBatch(loop.batchBuffer(false));
            try {
                work.run();
            } catch (FrameScanner.TooBigException e) {
                stopReading();
                tunnel.closing().failLeg(side, CloseCodes.TOO_BIG, "message too big", "too-big");
                endOnce();
                return;
            } catch (FrameScanner.MalformedFrameException e) {
                stopReading();
                tunnel.closing().failLeg(side, CloseCodes.PROTOCOL_ERROR, "malformed frame", "protocol-error");
                endOnce();
                return;
            } finally {
                forward.endBatch();
                back.endBatch();
            }
            boolean waiting = forward.hasBacklog() || back.hasBacklog();
            if ((waiting || tunnel.relay(side).isPaused()) && key != null && key.isValid()) {
                // the other peer reads slowly, or this one does not read the proxy's replies to it
                // (Pongs, a Close): wait for it, so neither backlog grows past one read's worth
                key.interestOpsAnd(~SelectionKey.OP_READ);
                if (!waiting) {
                    // paused at its turn's budget, not for a backlog: it goes on once the other
                    // socket is writable, which the loop reports on its next pass, after the other
                    // sockets ready now (a task would run before them)
                    if (!other.wakeWhenWritable()) {
                        loop.execute(this::resume); // the other socket is closed: nothing to wait for
                    }
                }
            }
        }

        @Override
        public void ended() {
            endOnce();
        }

        @Override
        public void writable() {
            if (writer().drain()) {
                other.resume();
                resume(); // this peer may have been waiting for its own replies to go out
            }
        }

        /**
         * Asks the loop to call {@link #writable()} (at once writable, it then resumes the other side).
         *
         * @return false when this socket is closed (it will never be writable)
         */
        boolean wakeWhenWritable() {
            if (key != null && key.isValid()) {
                key.interestOpsOr(SelectionKey.OP_WRITE);
                return true;
            }
            return false;
        }

        /** Reads again, unless this side ended or a writer it feeds (the other side's, or its own replies) holds bytes back. */
        void resume() {
            if (ended || key == null || !key.isValid() || other.writer().hasBacklog() || writer().hasBacklog()) {
                return;
            }
            Relay relay = tunnel.relay(side);
            if (relay.isPaused()) {
                tunnel.resuming();
                process(relay::resume); // the rest of the last read first; it may pause again
                if (relay.isPaused() || other.writer().hasBacklog() || writer().hasBacklog()) {
                    return;
                }
            }
            if (!ended && key.isValid()) {
                key.interestOpsOr(SelectionKey.OP_READ);
            }
        }

        private void stopReading() {
            if (key != null && key.isValid()) {
                key.interestOpsAnd(~SelectionKey.OP_READ);
            }
        }

        /** The peer's input is over (EOF, reset, a protocol failure, or its socket closed by the proxy). */
        void endOnce() {
            if (!ended) {
                ended = true;
                stopReading();
                tunnel.closing().inputEnded(side);
            }
        }
    }
}
