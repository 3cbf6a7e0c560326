package io.switchboard.conformance.autobahn;

/**
 * One action of a case's script, run by the {@link Fuzzer} in order. Every frame the fuzzer sends
 * is masked with a fresh random key.
 */
public sealed interface Step {
    /**
     * Sends one frame exactly as described, legal or not.
     *
     * @param opcode  0..15, reserved ones included
     * @param fin     the FIN bit
     * @param rsv     RSV bits 0..7 (4 = RSV1)
     * @param payload the (unmasked) payload, any length, control frames included
     * @param chop    0: written with the frames around it; n &gt; 0: the whole frame (header,
     *                mask, payload) is written n bytes per socket write, each flushed
     * @param sync    true: written and flushed on its own, not coalesced with neighbours
     */
    record Frame(int opcode, boolean fin, int rsv, byte[] payload, int chop, boolean sync) implements Step {
    }

    /**
     * Sends a whole message. With {@code fragmentSize} &gt; 0 and a longer payload, the payload
     * is cut into frames of that size; when the length is an exact multiple, an empty final
     * continuation follows (the reference suite does the same, and several cases rely on it).
     */
    record Message(boolean binary, byte[] payload, int fragmentSize) implements Step {
    }

    /**
     * Starts the fuzzer's closing handshake: a Close frame with {@code code} (null: no code) and
     * {@code reason} bytes (null: none), sent raw, so illegal codes and over-long reasons go out
     * as written. The connection enters CLOSING and counts as closed by the fuzzer.
     */
    record Close(Integer code, byte[] reason) implements Step {
    }

    /**
     * Pauses the script. With a tag, when the pause ends the tag is recorded as a
     * {@link Event.Kind#TIMEOUT} event only if the connection is still open, and the script goes
     * on only then; without a tag the script simply goes on.
     */
    record Wait(double seconds, String tag) implements Step {
    }

    /** Writes the header of a frame whose payload follows in {@link Data} steps (6.4.3/6.4.4). */
    record BeginFrame(int opcode, int length) implements Step {
    }

    /** Writes (and flushes) the next payload bytes of the frame opened by {@link BeginFrame}. */
    record Data(byte[] bytes) implements Step {
    }

    /**
     * Arms the kill timer: when it fires and the connection is not closed, an open connection is
     * failed with Close 1001 (so the fuzzer becomes the closer), a closing one is dropped.
     */
    record KillAfter(double seconds) implements Step {
    }

    /** Arms the close timer: when it fires on a still open connection, an empty Close is sent. */
    record CloseAfter(double seconds) implements Step {
    }
}
