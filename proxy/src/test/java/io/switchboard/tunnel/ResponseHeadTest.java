package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

/** A backend's answer arrives in reads of any size; the head is cut out byte-exact either way. */
class ResponseHeadTest {
    private static final String HEAD = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: abc=\r\n\r\n";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void headFedOneByteAtATimeIsFoundAtItsLastByte() throws IOException {
        byte[] all = bytes(HEAD + "\u0081\u0002hi");
        ResponseHead.Gatherer g = new ResponseHead.Gatherer();
        ResponseHead head = null;
        int fed = 0;
        while (head == null) {
            head = g.add(new byte[] {all[fed]}, 1);
            fed++;
        }
        assertThat(fed).isEqualTo(HEAD.length());
        assertThat(head.status()).isEqualTo(101);
        assertThat(head.raw()).isEqualTo(bytes(HEAD));
        assertThat(head.leftover()).isEmpty();
        assertThat(head.header("sec-websocket-accept")).isEqualTo("abc=");
    }

    @Test
    void aHeadWholeInOneReadOwesNothingToTheCallersBuffer() throws IOException {
        byte[] loopBuffer = new byte[4096]; // the event loop reuses its read buffer for the next socket
        byte[] read = bytes(HEAD + "\u0081\u0002hi");
        System.arraycopy(read, 0, loopBuffer, 0, read.length);
        ResponseHead head = new ResponseHead.Gatherer().add(loopBuffer, read.length);
        Arrays.fill(loopBuffer, (byte) 0);
        assertThat(head.raw()).isEqualTo(bytes(HEAD));
        assertThat(head.leftover()).isEqualTo(bytes("\u0081\u0002hi"));
    }

    @Test
    void oneReadFarLargerThanTheHeadLimitKeepsEverythingAfterTheHead() throws IOException {
        String head = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 100000\r\n\r\n";
        byte[] body = new byte[100_000];
        Arrays.fill(body, (byte) 'x');
        byte[] read = new byte[head.length() + body.length];
        System.arraycopy(bytes(head), 0, read, 0, head.length());
        System.arraycopy(body, 0, read, head.length(), body.length);
        ResponseHead h = new ResponseHead.Gatherer().add(read, read.length);
        assertThat(h.status()).isEqualTo(401);
        assertThat(h.leftover()).isEqualTo(body);
        assertThat(h.bodyWanted()).isEqualTo(100_000);
    }

    @Test
    void headLongerThanTheLimitIsRefusedEvenWhenItsEndArrivesInTheSameRead() {
        String huge = "HTTP/1.1 101 OK\r\nX-Pad: " + "p".repeat(ResponseHead.MAX_HEAD) + "\r\n\r\n";
        assertThatThrownBy(() -> new ResponseHead.Gatherer().add(bytes(huge), huge.length()))
                .isInstanceOf(IOException.class).hasMessageContaining("larger than");
        assertThatThrownBy(() -> ResponseHead.read(new ByteArrayInputStream(bytes(huge))))
                .isInstanceOf(IOException.class).hasMessageContaining("larger than");
    }

    @Test
    void malformedStatusLineAndEarlyEofAreErrors() {
        assertThatThrownBy(() -> ResponseHead.read(new ByteArrayInputStream(bytes("SSH-2.0-OpenSSH\r\n\r\n"))))
                .isInstanceOf(IOException.class).hasMessageContaining("malformed");
        assertThatThrownBy(() -> ResponseHead.read(new ByteArrayInputStream(bytes("HTTP/1.1 101 OK\r\n"))))
                .isInstanceOf(IOException.class).hasMessageContaining("closed before");
    }

    @Test
    void bodyWantedIsCappedAndAMalformedLengthRelaysNoBody() throws IOException {
        assertThat(head("HTTP/1.1 403 Forbidden\r\n\r\n").bodyWanted()).isEqualTo(ResponseHead.MAX_BODY);
        assertThat(head("HTTP/1.1 403 Forbidden\r\nContent-Length: 99999999\r\n\r\n").bodyWanted())
                .isEqualTo(ResponseHead.MAX_BODY);
        assertThat(head("HTTP/1.1 403 Forbidden\r\nContent-Length: ten\r\n\r\n").bodyWanted()).isZero();
        // negative: as malformed (it reached the loop's body copy as a negative length before)
        assertThat(head("HTTP/1.1 403 Forbidden\r\nContent-Length: -5\r\n\r\n").bodyWanted()).isZero();
    }

    @Test
    void repeatedListHeaderLinesAreJoined() throws IOException {
        ResponseHead h = head("HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Extensions: \r\n"
                + "sec-websocket-extensions: permessage-deflate\r\nSec-WebSocket-Extensions: x-unoffered\r\n\r\n");
        assertThat(h.joined("Sec-WebSocket-Extensions")).isEqualTo("permessage-deflate, x-unoffered");
        assertThat(h.header("Sec-WebSocket-Extensions")).as("the first line alone").isEmpty();
        assertThat(h.joined("Sec-WebSocket-Protocol")).isNull();
    }

    private static ResponseHead head(String s) throws IOException {
        return ResponseHead.read(new ByteArrayInputStream(bytes(s)));
    }
}
