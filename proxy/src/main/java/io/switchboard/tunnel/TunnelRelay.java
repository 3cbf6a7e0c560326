package io.switchboard.tunnel;

import io.switchboard.ws.CloseCodes;
import io.switchboard.ws.ClosePayload;
import io.switchboard.ws.Opcode;

/**
 * One direction of a tunnel-mode connection: what one peer sends goes to the other byte for byte,
 * while the direction's {@link FrameScanner} finds frame boundaries and hands over control frames
 * whole: the proxy's own heartbeat pongs are consumed, the peers' pings and pongs pass through,
 * and Close frames are followed so the close handshake can end both legs.
 */
final class TunnelRelay implements FrameScanner.Sink, Relay {
    private final TunnelConnection connection;
    private final Leg from;
    private final Leg to;

    TunnelRelay(TunnelConnection connection, Leg from, Leg to) {
        this.connection = connection;
        this.from = from;
        this.to = to;
    }

    @Override
    public void bytes(byte[] b, int len) {
        from.in.feed(b, 0, len, this);
    }

    @Override
    public long bytesSeen() {
        return from.in.bytes();
    }

    @Override
    public long framesSeen() {
        return from.in.frames();
    }

    @Override
    public void data(byte[] b, int off, int len, boolean endsFrame) {
        connection.markData();
        to.out.relay(b, off, len, endsFrame);
    }

    @Override
    public void control(int opcode, byte[] frame, byte[] payload) {
        if (opcode == Opcode.PONG && connection.ownPong(from, payload)) {
            return; // the answer to the proxy's own heartbeat: consumed, never forwarded
        }
        if (opcode != Opcode.CLOSE) {
            to.out.send(frame, false); // the peers' own pings and pongs pass through untouched
            return;
        }
        connection.closing().closeSeen(from.side, closeCode(payload), () -> to.out.send(frame, true));
    }

    @Override
    public boolean wantsBoundary() {
        return to.out.isWaitingForBoundary();
    }

    @Override
    public void passedClose() {
        connection.closing().closeSeen(from.side, CloseCodes.PROTOCOL_ERROR, to.out::closeRelayed);
    }

    private static int closeCode(byte[] payload) {
        try {
            return ClosePayload.parse(payload, 0, payload.length).code();
        } catch (IllegalArgumentException e) {
            return CloseCodes.NO_STATUS; // malformed; the tunnel relays it as is and logs 1005
        }
    }
}
