package io.switchboard.ws;

/** Receives bytes produced piece by piece (compressed or decompressed message data). */
@FunctionalInterface
public interface ChunkSink {
    /**
     * @param b   the bytes; the sink may modify them in place (e.g. to mask them) but must not
     *            keep the array after returning
     * @return false to stop the producer (the message is being abandoned)
     */
    boolean accept(byte[] b, int off, int len);
}
