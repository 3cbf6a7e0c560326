package io.switchboard.tunnel;

import java.util.function.LongConsumer;

import io.switchboard.config.Heartbeat;
import io.switchboard.heartbeat.LegHeartbeat;

/**
 * One peer of a tunnel as the relay sees it: the writer toward it, the scanner of what it sends,
 * and its heartbeat (null when off).
 */
final class Leg {
    final Side side;
    final LegWriter out;
    final FrameScanner in;
    final LegHeartbeat heartbeat;

    Leg(Side side, LegWriter out, FrameScanner in, Heartbeat heartbeat, long now, LongConsumer rttSink) {
        this.side = side;
        this.out = out;
        this.in = in;
        this.heartbeat = heartbeat.enabled() ? new LegHeartbeat(heartbeat, now, rttSink) : null;
    }

    /** Frames toward a backend are masked, toward a client not (RFC 6455 §5.1). */
    boolean masks() {
        return side == Side.UPSTREAM;
    }

    /** The leg's ping round trips for the access log. */
    String rtt() {
        return heartbeat == null ? "off" : heartbeat.rttSummary();
    }
}
