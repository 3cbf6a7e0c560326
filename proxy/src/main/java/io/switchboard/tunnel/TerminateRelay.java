package io.switchboard.tunnel;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import io.switchboard.ws.CloseCodes;
import io.switchboard.ws.FrameHeader;
import io.switchboard.ws.FrameHeaders;
import io.switchboard.ws.Masking;
import io.switchboard.ws.MessageInflater;
import io.switchboard.ws.Opcode;
import io.switchboard.ws.Utf8Validator;

/**
 * One direction of a terminate-mode connection: the proxy is the RFC 6455 endpoint of the leg it
 * reads, and a client (or server) of the leg it writes. Every frame is validated (§5.2 header
 * rules, §5.4 fragmentation, §5.5 control frames, §5.1 masking, §8.1 UTF-8 of text, §7.4 close
 * codes); data frames are relayed as they arrive, fragment by fragment and chunk by chunk (a 16 MiB
 * message never sits in memory), unmasked from the reading leg and re-masked with a fresh key for
 * a backend (§5.3). Pings are answered on the leg they came from; pongs are not relayed (the proxy
 * is the endpoint); Close frames end each leg's handshake separately.
 *
 * <p>UTF-8 is checked incrementally and fails fast: the chunk holding the first invalid byte is
 * not relayed, and the sender gets 1007 at once (text split inside a character across fragments
 * is fine). Not thread-safe: one per direction, used by the thread reading that direction.
 *
 * <p>permessage-deflate (RFC 7692) is per leg: a message compressed by the reading leg (RSV1 on
 * its first frame) is inflated as it arrives, and a message toward a leg that agreed to deflate
 * may be compressed; either way its bytes change, so a {@link MessageFramer} builds new frames
 * for it. Size limits and UTF-8 apply to the inflated bytes, so a small compressed frame cannot
 * smuggle in a huge or invalid message. Other messages keep their incoming framing.
 *
 * <p>Inflating is the one step whose output can dwarf its input (1000:1 for repeated bytes): on an
 * event loop, where writes never block, it stops as soon as the writer toward the other leg keeps
 * bytes back, keeps the rest of the read, and goes on when the loop calls {@link #resume()}.
 */
final class TerminateRelay implements Relay {
    private static final int RSV1 = 4;
    private final TunnelConnection connection;
    private final Leg from;
    private final Leg to;
    private final long maxFrameSize;
    private final long maxMessageSize;
    private final byte[] partialHeader = new byte[FrameHeaders.MAX_HEADER_LENGTH];
    private int partialLength;
    private FrameHeader frame;
    private long payloadSeen;
    private int outMask;
    private byte[] pendingHeader;
    private byte[] control;
    private boolean inMessage;
    private boolean textMessage;
    private long messageSize;
    private final Utf8Validator utf8 = new Utf8Validator();
    private boolean failed;
    private long bytesSeen;
    private long framesSeen;
    private final MessageInflater inflater;
    private final MessageFramer framer;
    private boolean compressedIn;  // the current message came compressed (RSV1)
    private boolean reframed;      // the current message goes through the framer
    // Inflation stops part way while the writer toward the other leg holds bytes back: a 64 KiB
    // read of compressed zeros would otherwise inflate into a backlog of tens of MiB at once.
    private boolean pausable;      // inflating a read's payload bytes: plain() may stop it
    private boolean paused;        // stopped: the inflater keeps its input, `held` the rest of the read
    private byte[] held;
    private boolean frameEndHeld;  // the paused chunk ended its frame: the end is handled on resume
    // at most this much inflated output per read (or resume) before yielding the loop: with both
    // legs compressing, zeros inflate and deflate again to nothing, the writer never backs up, and
    // one 64 KiB read would keep the shared loop busy on 64 MiB while its other sockets wait
    private static final long TURN_BUDGET = 1 << 20;
    private long inflatedThisTurn;

    TerminateRelay(TunnelConnection connection, Leg from, Leg to, long maxFrameSize, long maxMessageSize,
                   TerminateHandshake handshake) {
        this.connection = connection;
        this.from = from;
        this.to = to;
        this.maxFrameSize = maxFrameSize;
        this.maxMessageSize = maxMessageSize;
        this.inflater = handshake.inflater(from.side);
        this.framer = new MessageFramer(to, handshake.deflater(to.side));
    }

    @Override
    public void release() {
        if (inflater != null) {
            inflater.release();
        }
        framer.release();
    }

    @Override
    public long bytesSeen() {
        return bytesSeen;
    }

    @Override
    public long framesSeen() {
        return framesSeen;
    }

    @Override
    public void bytes(byte[] b, int len) {
        bytesSeen += len;
        inflatedThisTurn = 0;
        process(b, 0, len);
    }

    @Override
    public boolean isPaused() {
        return paused && !failed;
    }

    @Override
    public void resume() {
        if (!isPaused()) {
            return;
        }
        paused = false;
        pausable = true;
        inflatedThisTurn = 0;
        connection.markData(); // the message moves again: not idle
        try {
            inflater.resume(this::plain);
        } catch (java.util.zip.DataFormatException e) {
            fail(CloseCodes.INVALID_PAYLOAD, "invalid deflate data: " + e.getMessage());
        } finally {
            pausable = false;
        }
        if (paused || failed) {
            return;
        }
        if (frameEndHeld) {
            frameEndHeld = false;
            endFrame();
        }
        byte[] rest = held;
        held = null;
        if (rest != null) {
            process(rest, 0, rest.length);
        }
    }

    private void process(byte[] b, int pos, int len) {
        while (pos < len && !failed) {
            if (paused) {
                held = java.util.Arrays.copyOfRange(b, pos, len); // b is the reader's buffer, reused
                return;
            }
            if (frame == null) {
                pos = header(b, pos, len);
                if (frame != null && !failed && frame.payloadLength() == 0) {
                    endFrame(); // an empty frame is whole with its header: do not wait for more bytes
                }
                continue;
            }
            int n = (int) Math.min(frame.payloadLength() - payloadSeen, len - pos);
            payload(b, pos, n);
            pos += n;
            if (!failed && payloadSeen == frame.payloadLength()) {
                if (paused) {
                    frameEndHeld = true;
                } else {
                    endFrame();
                }
            }
        }
    }

    /** Reads (part of) a header; on a whole one, validates it and starts the frame. */
    private int header(byte[] b, int pos, int len) {
        int take = Math.min(partialHeader.length - partialLength, len - pos);
        System.arraycopy(b, pos, partialHeader, partialLength, take);
        FrameHeader h = FrameHeaders.parse(partialHeader, 0, partialLength + take);
        if (h == null) {
            partialLength += take;
            return pos + take;
        }
        int used = h.headerLength() - partialLength;
        partialLength = 0;
        begin(h);
        return pos + used;
    }

    private void begin(FrameHeader h) {
        String violation = FrameHeaders.violation(h, from.side == Side.DOWNSTREAM, inflater == null ? 0 : RSV1);
        if (violation == null && (h.rsv() & RSV1) != 0 && (Opcode.isControl(h.opcode()) || h.opcode() == Opcode.CONTINUATION)) {
            violation = "RSV1 on a " + Opcode.name(h.opcode()) + " frame"; // RFC 7692 §6.1: only a message's first frame
        }
        if (violation == null && Opcode.isControl(h.opcode()) && h.opcode() != Opcode.CLOSE
                && h.opcode() != Opcode.PING && h.opcode() != Opcode.PONG) {
            violation = "reserved control opcode";
        }
        if (violation == null && !Opcode.isControl(h.opcode())) {
            violation = fragmentation(h);
        }
        if (violation != null) {
            fail(CloseCodes.PROTOCOL_ERROR, violation);
            return;
        }
        if (!Opcode.isControl(h.opcode()) && tooBig(h)) {
            fail(CloseCodes.TOO_BIG, "message too big");
            return;
        }
        frame = h;
        payloadSeen = 0;
        if (Opcode.isControl(h.opcode())) {
            control = new byte[(int) h.payloadLength()];
        } else {
            startData(h);
        }
    }

    /** §5.4: a continuation needs a message to continue; a new message may not start inside one. */
    private String fragmentation(FrameHeader h) {
        if (h.opcode() == Opcode.CONTINUATION && !inMessage) {
            return "continuation frame without a message to continue";
        }
        if (h.opcode() != Opcode.CONTINUATION && inMessage) {
            return "new data frame inside a fragmented message";
        }
        return null;
    }

    private boolean tooBig(FrameHeader h) {
        if (maxFrameSize > 0 && h.payloadLength() > maxFrameSize) {
            return true;
        }
        if ((h.rsv() & RSV1) != 0 || h.opcode() == Opcode.CONTINUATION && compressedIn) {
            return false; // the inflated size is what counts, checked as it is produced
        }
        long total = h.opcode() == Opcode.CONTINUATION ? messageSize + h.payloadLength() : h.payloadLength();
        return maxMessageSize > 0 && total > maxMessageSize;
    }

    private void startData(FrameHeader h) {
        if (h.opcode() != Opcode.CONTINUATION) {
            inMessage = true;
            textMessage = h.opcode() == Opcode.TEXT;
            messageSize = 0;
            utf8.reset();
            compressedIn = (h.rsv() & RSV1) != 0;
            // the length is known up front only for a single plain frame; a compressed one inflates
            boolean compressOut = framer.begin(h.opcode(), h.fin() && !compressedIn ? h.payloadLength() : -1);
            reframed = compressedIn || compressOut;
        }
        if (reframed) {
            return; // the framer writes headers of its own
        }
        messageSize += h.payloadLength();
        boolean mask = to.masks();
        outMask = mask ? Masking.newMaskKey() : 0;
        byte[] out = new byte[FrameHeaders.headerLength(mask, h.payloadLength())];
        FrameHeaders.encode(out, 0, h.fin(), 0, h.opcode(), mask, outMask, h.payloadLength());
        if (h.payloadLength() > 0) {
            pendingHeader = out; // written with the first payload bytes that pass validation
            return;
        }
        if (h.fin() && textMessage && !utf8.isComplete()) {
            fail(CloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 character");
            return;
        }
        connection.markData();
        to.out.relay(out, 0, out.length, true);
    }

    private void payload(byte[] b, int pos, int n) {
        if (frame.masked()) {
            Masking.unmask(b, pos, n, frame.maskKey(), payloadSeen);
        }
        if (control != null) {
            System.arraycopy(b, pos, control, (int) payloadSeen, n);
            payloadSeen += n;
            return;
        }
        boolean last = payloadSeen + n == frame.payloadLength();
        if (reframed) {
            payloadSeen += n;
            connection.markData();
            inflate(b, pos, n);
            return;
        }
        if (textMessage && (!utf8.feed(b, pos, n) || last && frame.fin() && !utf8.isComplete())) {
            // fail fast: nothing of this chunk (nor an unwritten header) reaches the other leg
            fail(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
            return;
        }
        if (to.masks()) {
            Masking.unmask(b, pos, n, outMask, payloadSeen); // masking and unmasking are the same XOR
        }
        payloadSeen += n;
        connection.markData();
        if (pendingHeader != null) {
            to.out.relay(pendingHeader, 0, pendingHeader.length, false);
            pendingHeader = null;
        }
        to.out.relay(b, pos, n, last);
    }

    private void endFrame() {
        framesSeen++;
        FrameHeader h = frame;
        frame = null;
        if (control != null) {
            byte[] payload = control;
            control = null;
            control(h.opcode(), payload);
            return;
        }
        if (reframed) {
            endReframed(h.fin());
        } else if (h.fin()) {
            inMessage = false; // completeness of text was checked with the last payload bytes
        }
    }

    /** Payload bytes of a reframed message: inflated first if they came compressed. */
    private void inflate(byte[] b, int pos, int n) {
        if (!compressedIn) {
            plain(b, pos, n);
            return;
        }
        pausable = true;
        try {
            inflater.feed(b, pos, n, this::plain);
        } catch (java.util.zip.DataFormatException e) {
            // RFC 7692 §7.2.2 only says "fail the connection"; 1007 says the payload was bad, as for UTF-8
            fail(CloseCodes.INVALID_PAYLOAD, "invalid deflate data: " + e.getMessage());
        } finally {
            pausable = false;
        }
    }

    /** Message bytes as the application sees them: checked against the limits, then framed. */
    private boolean plain(byte[] b, int off, int len) {
        if (failed) {
            return false;
        }
        messageSize += len;
        if (maxMessageSize > 0 && messageSize > maxMessageSize) {
            fail(CloseCodes.TOO_BIG, "message too big");
            return false;
        }
        if (textMessage && !utf8.feed(b, off, len)) {
            fail(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
            return false;
        }
        framer.data(b, off, len);
        if (pausable && !to.out.blocks() && (to.out.hasBacklog() || (inflatedThisTurn += len) > TURN_BUDGET)) {
            paused = true; // the reader stops reading this leg until the backlog is written (or its next turn), then resumes
            return false;
        }
        return true;
    }

    private void endReframed(boolean fin) {
        if (!fin) {
            framer.fragmentEnded();
            return;
        }
        if (compressedIn) {
            try {
                inflater.finish(this::plain);
            } catch (java.util.zip.DataFormatException e) {
                fail(CloseCodes.INVALID_PAYLOAD, "invalid deflate data: " + e.getMessage());
            }
        }
        if (failed) {
            return;
        }
        if (textMessage && !utf8.isComplete()) {
            fail(CloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 character");
            return;
        }
        connection.markData();
        framer.end();
        inMessage = false;
        reframed = false;
        compressedIn = false;
    }

    private void control(int opcode, byte[] payload) {
        switch (opcode) {
            case Opcode.PING -> from.out.sendPong(io.switchboard.ws.Frames.control(Opcode.PONG, payload, from.masks()));
            case Opcode.PONG -> connection.ownPong(from, payload); // answers to the proxy's pings; others are ignored
            default -> close(payload);
        }
    }

    /** §5.5.1 and §7.4: a Close is valid with no payload, or a valid code and a UTF-8 reason. */
    private void close(byte[] payload) {
        if (payload.length == 1) {
            fail(CloseCodes.PROTOCOL_ERROR, "close frame with a 1-byte payload");
            return;
        }
        int code = payload.length == 0 ? CloseCodes.NO_STATUS : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
        if (payload.length >= 2 && !CloseCodes.isValidOnWire(code)) {
            fail(CloseCodes.PROTOCOL_ERROR, "invalid close code " + code);
            return;
        }
        String reason;
        try {
            reason = payload.length <= 2 ? "" : StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(payload, 2, payload.length - 2)).toString();
        } catch (CharacterCodingException e) {
            fail(CloseCodes.INVALID_PAYLOAD, "close reason is not UTF-8");
            return;
        }
        failed = true; // nothing is read after a Close (§5.5.1)
        connection.closing().endpointClose(from, to, code, reason);
    }

    private void fail(int code, String reason) {
        failed = true;
        connection.closing().failEndpoint(from.side, code, reason);
    }
}
