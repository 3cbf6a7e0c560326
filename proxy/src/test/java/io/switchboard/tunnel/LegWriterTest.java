package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;

import org.junit.jupiter.api.Test;

/** The frame-boundary queue of a leg's writer, on an in-memory socket. */
class LegWriterTest {
    /** Records what reaches the "socket". */
    private static final class Recording extends LegWriter {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();

        @Override
        protected boolean writeToSocket(byte[] b, int off, int len) {
            wire.write(b, off, len);
            return true;
        }

        @Override
        void closeSocket() {
        }
    }

    @Test
    void pongsQueuedInsideALongFrameCollapseToTheLatest() {
        Recording out = new Recording();
        out.relay(new byte[] {1, 2, 3}, 0, 3, false); // a data frame begins and stays open
        out.sendPong(new byte[] {10});
        out.sendPong(new byte[] {11});
        out.sendPong(new byte[] {12});
        assertThat(out.wire.toByteArray()).as("nothing inside the open frame").containsExactly(1, 2, 3);
        out.relay(new byte[] {4}, 0, 1, true); // the frame ends
        assertThat(out.wire.toByteArray()).as("one Pong, the latest, at the boundary").containsExactly(1, 2, 3, 4, 12);
        out.sendPong(new byte[] {13});
        assertThat(out.wire.toByteArray()).as("between frames a Pong goes at once").containsExactly(1, 2, 3, 4, 12, 13);
    }

    @Test
    void otherQueuedFramesKeepTheirPlaceAndNothingFollowsAClose() {
        Recording out = new Recording();
        out.relay(new byte[] {1}, 0, 1, false);
        out.send(new byte[] {20}, false); // the proxy's own Ping
        out.sendPong(new byte[] {10});
        out.send(new byte[] {30}, true); // a Close
        out.sendPong(new byte[] {11}); // after the Close: dropped
        out.relay(new byte[] {2}, 0, 1, true);
        assertThat(out.wire.toByteArray()).containsExactly(1, 2, 20, 10, 30);
    }
}
