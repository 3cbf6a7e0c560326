package io.switchboard.conformance.autobahn;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Data-message traffic of a compression case (12.x, 13.x), each way, at three levels: message
 * bytes (what the application sent or received), payload bytes (the frame payloads, compressed
 * or not) and wire bytes (payloads plus frame headers). The compression ratio is payload over
 * message bytes, the wire ratio wire over message bytes; below 1 the extension saved bandwidth.
 * Control frames are not counted. Updated on the fuzzer's event loop only.
 */
final class DeflateTraffic {
    /** One direction. */
    static final class Direction {
        long messages;
        /** Messages that went with RSV1 set (RFC 7692 §6: the sender chooses per message). */
        long compressed;
        long messageBytes;
        long payloadBytes;
        long wireBytes;

        double compressionRatio() {
            return messageBytes == 0 ? 1.0 : (double) payloadBytes / messageBytes;
        }

        double wireRatio() {
            return messageBytes == 0 ? 1.0 : (double) wireBytes / messageBytes;
        }

        Map<String, Object> report() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("messages", messages);
            m.put("compressedMessages", compressed);
            m.put("messageBytes", messageBytes);
            m.put("payloadBytes", payloadBytes);
            m.put("wireBytes", wireBytes);
            m.put("compressionRatio", round(compressionRatio()));
            m.put("wireRatio", round(wireRatio()));
            return m;
        }
    }

    /** From the server to the fuzzer. */
    final Direction in = new Direction();
    /** From the fuzzer to the server. */
    final Direction out = new Direction();
    /** The parameters agreed, as this client sees them, for the report. */
    String agreed = "";

    /** The case report's {@code trafficStats}. */
    Map<String, Object> report() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agreed", agreed);
        m.put("incoming", in.report());
        m.put("outgoing", out.report());
        return m;
    }

    /** For the report matrix: {@code [in/out]} compression ratios. */
    String cellText() {
        return String.format(Locale.ROOT, "[%.3f/%.3f]", in.compressionRatio(), out.compressionRatio());
    }

    private static double round(double v) {
        return Math.round(v * 10000) / 10000.0;
    }
}
