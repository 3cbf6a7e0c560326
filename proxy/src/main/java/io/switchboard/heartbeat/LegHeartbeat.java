package io.switchboard.heartbeat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.LongConsumer;

import io.switchboard.config.Heartbeat;

/**
 * The heartbeat of one leg of a WebSocket, as a state machine without I/O: the relay reports
 * every read from the peer ({@link #heard}) and every Pong ({@link #pong}); a scheduler asks
 * {@link #check} what to do next. A ping goes out only after {@code interval} of silence, so busy
 * connections carry no extra traffic, and anything heard after a ping proves the peer alive. A
 * peer that stays silent for {@code timeout} after a ping is to be reaped.
 *
 * <p>The proxy's pings carry a 12-byte payload: a 4-byte tag ("SBHB"), a random number drawn for
 * this leg and a sequence number. Only a Pong carrying this leg's number is the proxy's own; every
 * other Pong passes through untouched (RFC 6455 §5.5.3). The number matters when proxies are
 * chained (a fleet in front of sidecars): the outer one relays the inner one's pings to the
 * client, and if it took the client's Pongs for its own, the inner one would never hear back and
 * would reap a live connection every interval plus timeout.
 *
 * <p>Thread-safe: the relay thread and the scheduler call it concurrently.
 */
public final class LegHeartbeat {
    private static final byte[] TAG = {'S', 'B', 'H', 'B'};
    private static final int PAYLOAD_LENGTH = TAG.length + Integer.BYTES + Integer.BYTES;

    /** What the scheduler should do now, and when to check again (ignored for {@code REAP}). */
    public record Check(Action action, long nextNanos) {
    }

    /** The decision of a {@link #check}. */
    public enum Action {
        /** Nothing now. */
        WAIT,
        /** Send {@link #ping} now. */
        PING,
        /** The peer did not answer within the timeout: reap it. */
        REAP
    }

    private final LongConsumer rttSink;
    private final long interval;
    private final long timeout;
    private volatile long lastHeard;
    private long pingSentAt;
    private long pingQueuedAt;
    private boolean queued;
    private boolean awaiting;
    private boolean answered;
    private final int legId = java.util.concurrent.ThreadLocalRandom.current().nextInt();
    private int pingSeq;
    private long rttCount;
    private long rttSum;
    private long rttMin = Long.MAX_VALUE;
    private long rttMax;

    /**
     * @param config the leg's heartbeat; must be enabled
     * @param now    the current {@link System#nanoTime()}, when the leg opened
     * @param rttSink receives each measured round trip in nanoseconds (metrics)
     */
    public LegHeartbeat(Heartbeat config, long now, LongConsumer rttSink) {
        if (!config.enabled()) {
            throw new IllegalArgumentException("heartbeat is off");
        }
        this.interval = config.interval().toNanos();
        this.timeout = config.timeout().toNanos();
        this.lastHeard = now;
        this.rttSink = rttSink;
    }

    /** A heartbeat whose round trips are only summarised (tests). */
    public LegHeartbeat(Heartbeat config, long now) {
        this(config, now, rtt -> { });
    }

    /** Records that bytes arrived from the peer: proof of life. O(1), called on every read. */
    public void heard(long now) {
        lastHeard = now;
    }

    /** Decides what to do at {@code now}, for a leg whose writes never stall (tests). */
    public synchronized Check check(long now) {
        return check(now, now);
    }

    /** Decides what to do at {@code now}, for a leg read and written without backpressure (tests). */
    public synchronized Check check(long now, long lastProgress) {
        return check(now, lastProgress, false, false);
    }

    /**
     * Decides what to do at {@code now}.
     *
     * @param lastProgress when a write to this peer last made progress: while a ping waits behind
     *                     a long frame, a peer that keeps reading is alive; one that neither reads
     *                     nor sends for the timeout is reaped, however long the frame goes on
     * @param backlogged   bytes for this peer wait because it does not read: one that has read
     *                     nothing for the timeout is reaped even while it still sends (a backend
     *                     stuck on its reads but pushing ticks is stuck all the same)
     * @param unread       the proxy is not reading this peer (it waits for the other peer to take
     *                     what this one sent): its silence proves nothing, so it is not pinged or
     *                     reaped meanwhile; the stuck peer on the other side is
     */
    public synchronized Check check(long now, long lastProgress, boolean backlogged, boolean unread) {
        if (backlogged && now - lastProgress >= timeout) {
            return new Check(Action.REAP, now);
        }
        if (unread) {
            lastHeard = now; // silent only from the moment the proxy reads it again
            return new Check(Action.WAIT, now + Math.min(interval, timeout));
        }
        if (queued) {
            // the latest sign of life since the ping was queued: the window slides with it, so a
            // peer that read for a while and then hung mid-frame is reaped one timeout later
            long alive = later(pingQueuedAt, later(lastProgress, lastHeard));
            return now - alive >= timeout ? new Check(Action.REAP, now) : new Check(Action.WAIT, alive + timeout);
        }
        if (awaiting) {
            if (lastHeard - pingSentAt > 0) {
                awaiting = false; // alive; the pong may still come and will be measured
            } else if (now - pingSentAt >= timeout) {
                return new Check(Action.REAP, now);
            } else {
                return new Check(Action.WAIT, pingSentAt + timeout);
            }
        }
        if (now - lastHeard >= interval) {
            // look again after the shorter of the two: an early answer lets the next ping come
            // one interval after it, a missing one is reaped at the timeout
            return new Check(Action.PING, now + Math.min(interval, timeout));
        }
        return new Check(Action.WAIT, lastHeard + interval);
    }

    /** The later of two {@link System#nanoTime()} readings (compared by difference: the clock may wrap). */
    private static long later(long a, long b) {
        return a - b >= 0 ? a : b;
    }

    /**
     * The payload of a new ping queued at {@code now}; call after {@link Action#PING}, then
     * {@link #written} once it is on the wire.
     */
    public synchronized byte[] ping(long now) {
        pingQueuedAt = now;
        queued = true;
        awaiting = false;
        answered = false;
        pingSeq++;
        return ByteBuffer.allocate(PAYLOAD_LENGTH).put(TAG).putInt(legId).putInt(pingSeq).array();
    }

    /** The ping went out at {@code now}: its timeout starts. */
    public synchronized void written(long now) {
        if (queued) {
            queued = false;
            pingSentAt = now;
            // the Pong can be read before the writing thread gets here (a fast peer, a busy core):
            // then the peer has answered and nothing is awaited; waiting anyway would stop the
            // pings and reap a live peer at the timeout
            awaiting = !answered;
        }
    }

    /**
     * Looks at a Pong from the peer.
     *
     * @return true when it answers one of this leg's pings (the caller consumes it), false when it
     *         is anyone else's (the peer's own, another proxy's) and must be forwarded
     */
    public boolean pong(byte[] payload, long now) {
        if (payload.length != PAYLOAD_LENGTH || !Arrays.equals(payload, 0, TAG.length, TAG, 0, TAG.length)) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(payload, TAG.length, 2 * Integer.BYTES);
        if (b.getInt() != legId) {
            return false;
        }
        int seq = b.getInt();
        synchronized (this) {
            if (seq == pingSeq && !answered) {
                answered = true;
                awaiting = false;
                record(now - (queued ? pingQueuedAt : pingSentAt)); // overtook written(): from the queueing
            }
        }
        return true;
    }

    private void record(long rtt) {
        rttSink.accept(rtt);
        rttCount++;
        rttSum += rtt;
        rttMin = Math.min(rttMin, rtt);
        rttMax = Math.max(rttMax, rtt);
    }

    /** Ping round trips as {@code min/avg/max} in milliseconds with 2 decimals, or {@code -} if none. */
    public synchronized String rttSummary() {
        if (rttCount == 0) {
            return "-";
        }
        return String.format("%.2f/%.2f/%.2fms", rttMin / 1e6, rttSum / 1e6 / rttCount, rttMax / 1e6);
    }
}
