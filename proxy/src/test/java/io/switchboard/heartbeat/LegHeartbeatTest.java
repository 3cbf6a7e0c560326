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
        assertThat(hb.check(120 * MS)).isEqualTo(new LegHeartbeat.Check(LegHeartbeat.Action.WAIT, 150 * MS));
        assertThat(hb.check(150 * MS).action()).isEqualTo(LegHeartbeat.Action.REAP);
    }

    @Test
    void anyTrafficAfterThePingProvesLifeAndThePongIsMeasured() {
        byte[] payload = hb.ping(100 * MS);
        hb.heard(130 * MS);
        assertThat(hb.check(160 * MS)).isEqualTo(new LegHeartbeat.Check(LegHeartbeat.Action.WAIT, 230 * MS));
        assertThat(hb.pong(payload, 130 * MS)).isTrue();
        assertThat(hb.rttSummary()).isEqualTo("30.00/30.00/30.00ms");
    }

    @Test
    void tellsItsOwnPongsFromThePeers() {
        byte[] own = hb.ping(0);
        assertThat(LegHeartbeat.isOwn(own)).isTrue();
        assertThat(hb.pong("hello".getBytes(), 1)).isFalse();
        assertThat(hb.pong(new byte[0], 1)).isFalse();
        assertThat(hb.rttSummary()).isEqualTo("-");
    }
}
