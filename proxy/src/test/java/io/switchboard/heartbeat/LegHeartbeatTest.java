package io.switchboard.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.switchboard.config.Heartbeat;
import org.junit.jupiter.api.Test;

class LegHeartbeatTest {
    private static final long MS = 1_000_000;
    private final LegHeartbeat hb = new LegHeartbeat(new Heartbeat(Duration.ofMillis(100), Duration.ofMillis(50)), 0);

    @Test
    void waitsForSilenceBeforePinging() {
        assertThat(hb.check(50 * MS)).isEqualTo(new LegHeartbeat.Check(LegHeartbeat.Action.WAIT, 100 * MS));
        hb.heard(80 * MS);
        assertThat(hb.check(100 * MS)).isEqualTo(new LegHeartbeat.Check(LegHeartbeat.Action.WAIT, 180 * MS));
        assertThat(hb.check(180 * MS).action()).isEqualTo(LegHeartbeat.Action.PING);
    }

    @Test
    void reapsWhenNothingIsHeardWithinTheTimeoutAfterAPing() {
        assertThat(hb.check(100 * MS).action()).isEqualTo(LegHeartbeat.Action.PING);
        hb.ping(100 * MS);
        hb.written(100 * MS);
        assertThat(hb.check(120 * MS)).isEqualTo(new LegHeartbeat.Check(LegHeartbeat.Action.WAIT, 150 * MS));
        assertThat(hb.check(150 * MS).action()).isEqualTo(LegHeartbeat.Action.REAP);
    }

    @Test
    void anyTrafficAfterThePingProvesLifeAndThePongIsMeasured() {
        byte[] payload = hb.ping(100 * MS);
        hb.written(100 * MS);
        hb.heard(130 * MS);
        assertThat(hb.check(160 * MS)).isEqualTo(new LegHeartbeat.Check(LegHeartbeat.Action.WAIT, 230 * MS));
        assertThat(hb.pong(payload, 130 * MS)).isTrue();
        assertThat(hb.rttSummary()).isEqualTo("30.00/30.00/30.00ms");
    }

    @Test
    void aPongReadBeforeTheWriterReportsThePingWrittenStillCounts() {
        // the loop reads the Pong while the thread that wrote the ping has not yet called written()
        byte[] payload = hb.ping(100 * MS);
        hb.heard(101 * MS);
        assertThat(hb.pong(payload, 101 * MS)).isTrue();
        hb.written(102 * MS);
        assertThat(hb.check(150 * MS).action()).as("nothing is awaited: no reap at the timeout").isEqualTo(LegHeartbeat.Action.WAIT);
        assertThat(hb.check(201 * MS).action()).as("the next ping, one interval after the Pong").isEqualTo(LegHeartbeat.Action.PING);
        assertThat(hb.rttSummary()).isEqualTo("1.00/1.00/1.00ms");
    }

    @Test
    void aPingQueuedBehindASlowFrameCountsFromWhenItIsWritten() {
        hb.ping(100 * MS); // queued: the stream toward the peer is inside a long frame
        // the peer keeps reading that frame: alive, however long the frame takes
        assertThat(hb.check(200 * MS, 190 * MS).action()).isEqualTo(LegHeartbeat.Action.WAIT);
        assertThat(hb.check(400 * MS, 390 * MS).action()).isEqualTo(LegHeartbeat.Action.WAIT);
        hb.written(450 * MS);
        assertThat(hb.check(480 * MS, 450 * MS)).isEqualTo(new LegHeartbeat.Check(LegHeartbeat.Action.WAIT, 500 * MS));
        assertThat(hb.check(500 * MS, 450 * MS).action()).isEqualTo(LegHeartbeat.Action.REAP);
    }

    @Test
    void aPeerThatReadsForAWhileThenHangsMidFrameIsReapedOneTimeoutLater() {
        hb.ping(100 * MS); // queued behind a long frame
        assertThat(hb.check(140 * MS, 130 * MS).action()).as("it still reads").isEqualTo(LegHeartbeat.Action.WAIT);
        assertThat(hb.check(170 * MS, 160 * MS).action()).isEqualTo(LegHeartbeat.Action.WAIT);
        // its last read was at 160 ms: the window slides with it, and ends at 210 ms
        assertThat(hb.check(200 * MS, 160 * MS)).isEqualTo(new LegHeartbeat.Check(LegHeartbeat.Action.WAIT, 210 * MS));
        assertThat(hb.check(210 * MS, 160 * MS).action()).isEqualTo(LegHeartbeat.Action.REAP);
    }

    @Test
    void aPeerTheProxyDoesNotReadIsNeitherPingedNorReapedAndOneThatReadsNothingIsReapedThoughItSends() {
        // unread (the other peer's socket is full): silence is the proxy's doing
        assertThat(hb.check(500 * MS, 0, false, true).action()).isEqualTo(LegHeartbeat.Action.WAIT);
        // read again: silent only from then on
        assertThat(hb.check(550 * MS, 0, false, false).action()).isEqualTo(LegHeartbeat.Action.WAIT);
        // it sends (heard) but has read nothing of what waits for it for the 50 ms timeout
        hb.heard(600 * MS);
        assertThat(hb.check(610 * MS, 570 * MS, true, false).action()).isEqualTo(LegHeartbeat.Action.WAIT);
        assertThat(hb.check(620 * MS, 570 * MS, true, false).action()).isEqualTo(LegHeartbeat.Action.REAP);
    }

    @Test
    void aPingStuckBehindStalledWritesIsReapedAtTheTimeout() {
        hb.ping(100 * MS);
        assertThat(hb.check(120 * MS, 90 * MS).action()).isEqualTo(LegHeartbeat.Action.WAIT);
        assertThat(hb.check(150 * MS, 90 * MS).action()).isEqualTo(LegHeartbeat.Action.REAP);
    }

    @Test
    void takesOnlyItsOwnPongsNotAnotherProxysOrAnotherLegs() {
        // a chained proxy's pings look the same but for the leg's number: their Pongs pass through
        LegHeartbeat other = new LegHeartbeat(new Heartbeat(Duration.ofMillis(100), Duration.ofMillis(50)), 0);
        byte[] theirs = other.ping(0);
        byte[] own = hb.ping(0);
        assertThat(new String(own, 0, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("SBHB");
        assertThat(hb.pong(theirs, 1)).as("another leg's (another proxy's) Pong").isFalse();
        assertThat(other.pong(own, 1)).isFalse();
        assertThat(hb.pong(own, 2)).isTrue();
        assertThat(other.pong(theirs, 3)).isTrue();
    }

    @Test
    void tellsItsOwnPongsFromThePeers() {
        hb.ping(0);
        assertThat(hb.pong("hello".getBytes(), 1)).isFalse();
        assertThat(hb.pong(new byte[0], 1)).isFalse();
        assertThat(hb.rttSummary()).isEqualTo("-");
    }
}
