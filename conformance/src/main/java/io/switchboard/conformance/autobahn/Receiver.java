package io.switchboard.conformance.autobahn;

import io.switchboard.ws.CloseCodes;
import io.switchboard.ws.FrameHeader;
import io.switchboard.ws.MessageInflater;
import io.switchboard.ws.Opcode;
import io.switchboard.ws.Utf8Validator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.DataFormatException;

/**
 * The fuzzer's receiving side, a strict client: judges each frame from the server and turns
 * frames into {@link Event}s. It enforces what a client must (RFC 6455 §5): unmasked server
 * frames, minimal length encodings, no RSV bits without an extension, no reserved opcodes,
 * control frames unfragmented and at most 125 bytes, continuations only inside a message, valid
 * UTF-8 in text (checked as fragments arrive) and in Close reasons, valid Close codes. A breach
 * makes the fuzzer fail the connection (1002; 1007 for bad UTF-8). Runs on the event loop.
 *
 * <p>When a compression case agreed permessage-deflate, RSV1 on the first frame of a data message
 * marks it compressed (RFC 7692 §6): its payload is inflated as it arrives and the UTF-8 check
 * applies to the inflated bytes. RSV1 on a continuation or control frame stays a violation
 * (§6.1), and data that does not inflate fails the connection with 1007.
 */
final class Receiver {
    private static final int RSV1 = 4;
    private final Fuzzer fuzzer;
    private final Utf8Validator utf8 = new Utf8Validator();
    private ByteArrayOutputStream message;
    private boolean messageBinary;
    /** The current message came with RSV1 under permessage-deflate. */
    private boolean messageCompressed;
    private MessageInflater inflater;
    private boolean peerClosed;

    Receiver(Fuzzer fuzzer) {
        this.fuzzer = fuzzer;
    }

    boolean peerClosed() {
        return peerClosed;
    }

    void onFrame(FrameHeader h, byte[] payload) {
        if (fuzzer.state() == Fuzzer.State.CLOSED || peerClosed) {
            return; // nothing after the peer's Close counts
        }
        String violation = headerViolation(h, payload);
        if (violation != null) {
            fuzzer.failConnection(CloseCodes.PROTOCOL_ERROR, violation);
            return;
        }
        switch (h.opcode()) {
            case Opcode.TEXT, Opcode.BINARY, Opcode.CONTINUATION -> data(h, payload);
            case Opcode.PING -> {
                fuzzer.out.received.add(new Event(Event.Kind.PING, false, payload));
                if (fuzzer.state() == Fuzzer.State.OPEN) {
                    fuzzer.writer.pong(payload);
                }
                fuzzer.finishWhenDone();
            }
            case Opcode.PONG -> {
                fuzzer.out.received.add(new Event(Event.Kind.PONG, false, payload));
                fuzzer.finishWhenDone();
            }
            case Opcode.CLOSE -> close(payload);
            default -> throw new IllegalStateException("unreachable: " + h);
        }
    }

    private String headerViolation(FrameHeader h, byte[] payload) {
        if (payload == null) {
            return h.payloadLength() < 0 ? "64-bit length with the high bit set" : "frame longer than the fuzzer buffers";
        }
        if (h.masked()) {
            return "masked frame from the server";
        }
        long n = h.payloadLength();
        if (h.headerLength() == 4 && n < 126 || h.headerLength() == 10 && n < 65536) {
            return "length not in its minimal encoding";
        }
        if (h.rsv() != 0) {
            return rsvViolation(h);
        }
        if (Opcode.isReserved(h.opcode())) {
            return "reserved opcode " + h.opcode();
        }
        if (Opcode.isControl(h.opcode())) {
            if (!h.fin()) {
                return "fragmented control frame";
            }
            if (n > 125) {
                return "control frame longer than 125 bytes";
            }
            if (h.opcode() == Opcode.CLOSE && n == 1) {
                return "Close payload of 1 byte";
            }
        } else if (h.opcode() == Opcode.CONTINUATION && message == null) {
            return "continuation frame outside a message";
        } else if (h.opcode() != Opcode.CONTINUATION && message != null) {
            return "new data frame inside an unfinished message";
        }
        return null;
    }

    /**
     * Null when the RSV bits are legal: only RSV1, only under permessage-deflate, only on the
     * first frame of a data message (RFC 7692 §6, §6.1). Without an agreed extension any RSV bit
     * is a violation (RFC 6455 §5.2).
     */
    private String rsvViolation(FrameHeader h) {
        if (fuzzer.deflateParams() == null) {
            return "RSV bits " + h.rsv() + " set without a negotiated extension";
        }
        if (h.rsv() != RSV1) {
            return "RSV bits " + h.rsv() + " set; permessage-deflate defines only RSV1";
        }
        if (h.opcode() != Opcode.TEXT && h.opcode() != Opcode.BINARY) {
            return "RSV1 on a " + Opcode.name(h.opcode()) + " frame; permessage-deflate sets it on a message's first frame only";
        }
        return null;
    }

    private void data(FrameHeader h, byte[] payload) {
        if (h.opcode() != Opcode.CONTINUATION) {
            message = new ByteArrayOutputStream();
            messageBinary = h.opcode() == Opcode.BINARY;
            messageCompressed = (h.rsv() & RSV1) != 0;
            utf8.reset();
        }
        DeflateTraffic traffic = fuzzer.out.traffic;
        if (traffic != null) {
            traffic.in.payloadBytes += payload.length;
            traffic.in.wireBytes += h.headerLength() + payload.length;
        }
        boolean going = messageCompressed ? inflate(payload, h.fin()) : append(payload, 0, payload.length);
        if (!going || !h.fin()) {
            return;
        }
        if (!messageBinary && !utf8.isComplete()) {
            fuzzer.failConnection(CloseCodes.INVALID_PAYLOAD, "text message ends inside a UTF-8 sequence");
            return;
        }
        byte[] whole = message.toByteArray();
        message = null;
        if (traffic != null) {
            traffic.in.messages++;
            traffic.in.compressed += messageCompressed ? 1 : 0;
            traffic.in.messageBytes += whole.length;
        }
        if (fuzzer.spec.check() != null) {
            fuzzer.checks().onMessage(messageBinary, whole);
        } else {
            fuzzer.out.received.add(Event.message(messageBinary, whole));
            fuzzer.finishWhenDone();
        }
    }

    /** Message bytes (received plain, or inflated): kept, and checked when text; false after a failure. */
    private boolean append(byte[] b, int off, int len) {
        message.write(b, off, len);
        if (!messageBinary && !utf8.feed(b, off, len)) {
            fuzzer.failConnection(CloseCodes.INVALID_PAYLOAD, "invalid UTF-8 in a text message");
            return false;
        }
        return true;
    }

    /**
     * A compressed frame's payload, inflated into the message; at the last frame the removed
     * {@code 00 00 ff ff} tail goes back in (RFC 7692 §7.2.2). False after a failure.
     */
    private boolean inflate(byte[] payload, boolean last) {
        if (inflater == null) {
            inflater = new MessageInflater(fuzzer.deflateParams());
        }
        try {
            boolean going = inflater.feed(payload, 0, payload.length, this::append)
                    && (!last || inflater.finish(this::append));
            if (!going) {
                release(); // the fuzzer is failing the connection: nothing more is inflated
            }
            return going;
        } catch (DataFormatException e) {
            release();
            fuzzer.failConnection(CloseCodes.INVALID_PAYLOAD, "compressed message does not inflate: " + e.getMessage());
            return false;
        }
    }

    /** Gives the decompressor back (end of the connection). */
    void release() {
        if (inflater != null) {
            inflater.release();
            inflater = null;
        }
    }

    private void close(byte[] payload) {
        Integer code = payload.length >= 2 ? (payload[0] & 0xFF) << 8 | (payload[1] & 0xFF) : null;
        // recorded before judging, so a peer that answers with a forbidden code is reported with it
        fuzzer.out.remoteCloseCode = code;
        if (payload.length > 2) {
            fuzzer.out.remoteCloseReason = new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
        if (code != null && !CloseCodes.isValidOnWire(code)) {
            fuzzer.failConnection(CloseCodes.PROTOCOL_ERROR, "Close code " + code + " is not allowed on the wire");
            return;
        }
        if (payload.length > 2 && !Utf8Validator.isValid(payload, 2, payload.length - 2)) {
            fuzzer.failConnection(CloseCodes.INVALID_PAYLOAD, "Close reason is not valid UTF-8");
            return;
        }
        peerClosed = true;
        fuzzer.onPeerClose();
    }
}
