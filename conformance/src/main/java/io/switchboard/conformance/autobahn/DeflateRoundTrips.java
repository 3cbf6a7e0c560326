package io.switchboard.conformance.autobahn;

import io.switchboard.ws.DeflateParams;
import io.switchboard.ws.MessageDeflater;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The judge of a compression case (12.x, 13.x) once permessage-deflate was agreed: sends
 * {@code count} messages cut from the case's dataset, each only after the echo of the previous
 * one arrived, compressed as agreed (RFC 7692 §7.2.1) and, when the case says so, fragmented after
 * compression (RSV1 on the first frame only, §6.1). Each echo must have the type, the length
 * (in characters for text, in bytes for binary) and the SHA-1 of the message sent. Runs on the
 * fuzzer's event loop; the {@link Receiver} has already decompressed and UTF-8-checked the echo.
 */
final class DeflateRoundTrips {
    /** zlib's default level, a fair middle between speed and ratio. */
    static final int LEVEL = 6;
    private static final int RSV1 = 4;
    /** The result text while echoes are outstanding; replaced when the case ends. */
    private static final String PENDING = "round trips still in progress";

    private final Fuzzer fuzzer;
    private final CaseSpec.Deflate spec;
    private final DeflateDatasets.Dataset data;
    private final MessageDeflater deflater;
    private final DeflateTraffic traffic;
    private final MessageDigest sha1;
    private int echoes;
    private byte[] expectedDigest;

    DeflateRoundTrips(Fuzzer fuzzer, CaseSpec.Deflate spec, DeflateParams params, DeflateTraffic traffic) {
        this.fuzzer = fuzzer;
        this.spec = spec;
        this.data = DeflateDatasets.get(spec.dataset());
        // minSize 0: like the reference suite, compress even the 16-byte messages
        this.deflater = new MessageDeflater(params, LEVEL, 0);
        this.traffic = traffic;
        try {
            this.sha1 = MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    /** Sends the first message; the case stays FAILED until every echo has matched. */
    void start() {
        fuzzer.out.checkBehavior = Verdicts.FAILED;
        fuzzer.out.checkResult = PENDING;
        sendNext();
    }

    /** One whole echo (decompressed if it was compressed). */
    void onEcho(boolean binary, byte[] payload) {
        if (echoes >= spec.count()) {
            return; // after the last echo the fuzzer is closing; anything more is not judged
        }
        String mismatch = compare(binary, payload);
        if (mismatch != null) {
            fuzzer.out.checkBehavior = Verdicts.FAILED;
            fuzzer.out.checkResult = "echo " + (echoes + 1) + " of " + spec.count() + " differs: " + mismatch;
            fuzzer.sendClose(1000, null, false, true);
            return;
        }
        if (++echoes < spec.count()) {
            sendNext();
            return;
        }
        fuzzer.out.checkBehavior = Verdicts.OK;
        fuzzer.out.checkResult = "all " + spec.count() + " echoes came back with the right type, length and SHA-1; "
                + "compression ratio in " + String.format(java.util.Locale.ROOT, "%.3f, out %.3f",
                traffic.in.compressionRatio(), traffic.out.compressionRatio());
        fuzzer.sendClose(1000, null, false, true);
    }

    /**
     * The fuzzer is failing the connection (bad frame, bad compressed data, bad UTF-8). Counts only
     * while echoes are outstanding: after a verdict the case is decided, as in the reference suite.
     */
    void onFuzzerFailed(String reason) {
        if (PENDING.equals(fuzzer.out.checkResult)) {
            fuzzer.out.checkResult = "echo " + (echoes + 1) + " of " + spec.count() + ": the fuzzer failed the connection: " + reason;
        }
    }

    private void release() {
        deflater.release();
    }

    /**
     * The connection is over. If no verdict was reached, say how far the case got: the fuzzer
     * closing first means its close timer fired (the time budget ran out); otherwise the server
     * closed or dropped the connection in the middle.
     */
    void onClosed() {
        if (PENDING.equals(fuzzer.out.checkResult)) {
            fuzzer.out.checkResult = "echo " + (echoes + 1) + " of " + spec.count() + (fuzzer.out.closedByMe
                    ? " did not come back within " + secs(spec.waitSeconds())
                    : " had not come back when the server ended the connection");
        }
        release();
    }

    private void sendNext() {
        byte[] message = data.slice(echoes, spec.size());
        expectedDigest = sha1.digest(message);
        byte[] compressed = deflater.compress(message);
        boolean compress = compressed != null;
        byte[] payload = compress ? compressed : message;
        long wire = fuzzer.writer.message(spec.binary(), payload, spec.autoFragment(), compress ? RSV1 : 0);
        fuzzer.writer.flush();
        DeflateTraffic.Direction out = traffic.out;
        out.messages++;
        out.compressed += compress ? 1 : 0;
        out.messageBytes += message.length;
        out.payloadBytes += payload.length;
        out.wireBytes += wire;
    }

    /** Null when the echo matches the message sent; else what differs. */
    private String compare(boolean binary, byte[] payload) {
        long units = spec.binary() ? payload.length : codePoints(payload);
        byte[] digest = sha1.digest(payload);
        if (binary == spec.binary() && units == spec.size() && Arrays.equals(digest, expectedDigest)) {
            return null;
        }
        return "expected " + describe(spec.binary(), spec.size(), expectedDigest) + ", got "
                + describe(binary, binary ? payload.length : codePoints(payload), digest);
    }

    private static String describe(boolean binary, long units, byte[] digest) {
        return (binary ? "a binary message of " + units + " bytes" : "a text message of " + units + " characters")
                + " (SHA-1 " + HexFormat.of().formatHex(digest, 0, 6) + "...)";
    }

    /** Characters in UTF-8 the receiver already validated: every byte but continuation bytes. */
    private static long codePoints(byte[] utf8) {
        long n = 0;
        for (byte b : utf8) {
            if ((b & 0xC0) != 0x80) {
                n++;
            }
        }
        return n;
    }

    private static String secs(double s) {
        return (s == Math.floor(s) ? String.valueOf((long) s) : String.valueOf(s)) + " s";
    }
}
