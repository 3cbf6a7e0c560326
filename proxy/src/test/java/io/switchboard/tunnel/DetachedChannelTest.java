package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;

import org.junit.jupiter.api.Test;

/** What Helidon does to the channel it holds once a tunnel has left its thread must cost nothing. */
class DetachedChannelTest {
    @Test
    void helidonsCloseSequenceNeitherThrowsNorTouchesARealSocket() {
        DetachedChannel c = DetachedChannel.INSTANCE;
        // NioSocket.close(): shutdownOutput, shutdownInput, close; ConnectionHandler may close again
        assertThatCode(() -> {
            c.shutdownOutput();
            c.shutdownInput();
            c.close();
            c.close();
            c.shutdownOutput();
        }).doesNotThrowAnyException();
    }

    @Test
    void readsAndWritesFailAsOnAClosedChannel() {
        DetachedChannel c = DetachedChannel.INSTANCE;
        assertThatThrownBy(() -> c.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
        assertThatThrownBy(() -> c.write(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
    }
}
