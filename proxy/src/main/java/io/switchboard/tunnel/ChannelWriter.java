package io.switchboard.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link LegWriter} on a non-blocking socket served by a {@link ChannelLoop}. A write goes to
 * the socket at once as far as it takes it; the rest is copied into a backlog, the loop is asked
 * to say when the socket is writable, and the tunnel stops reading the other peer until the
 * backlog is gone (so the backlog is bounded by one read, plus the proxy's own small frames).
 * Progress for the heartbeat's stall check counts only bytes that reached the socket.
 */
final class ChannelWriter extends LegWriter {
    private final SocketChannel channel;
    private final ChannelLoop loop;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>(1); // grows if used; most sockets never need one
    // whether backlog holds bytes, written under the lock: the loop asks after every read (twice
    // per tunnel read), and a volatile read costs less there than taking the lock
    private volatile boolean backlogged;
    private SelectionKey key;
    private boolean closed; // by the proxy: the loop closes the socket itself a moment later
    private volatile Runnable onClose;
    private ByteBuffer batchBuffer; // while a read is processed: the loop's buffer gathering writes
    private byte[] batch;           // its array
    private int batchLength;

    ChannelWriter(SocketChannel channel, ChannelLoop loop) {
        this.channel = channel;
        this.loop = loop;
    }

    /** The loop registered the socket; a backlog that built up before asks for OP_WRITE now. */
    void registered(SelectionKey k) {
        lock.lock();
        try {
            key = k;
            if (!backlog.isEmpty()) {
                k.interestOpsOr(SelectionKey.OP_WRITE);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    protected boolean writeToSocket(byte[] b, int off, int len) throws IOException {
        lock.lock();
        try {
            if (batch != null) {
                if (batchLength + len <= batch.length) {
                    System.arraycopy(b, off, batch, batchLength, len);
                    batchLength += len;
                    return false; // progress is counted when the batch goes out
                }
                flushBatch();
            }
            return send(b, off, len);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gathers the writes of one read's processing in {@code buffer} (the loop's, lent for the
     * duration) so they leave in one system call: in terminate mode every frame is a header and a
     * payload written separately, and a read often holds many frames.
     */
    void beginBatch(ByteBuffer buffer) {
        lock.lock();
        try {
            batchBuffer = buffer;
            batch = buffer.array();
            batchLength = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Sends what the batch gathered and gives the buffer back. */
    void endBatch() {
        lock.lock();
        try {
            flushBatch();
            endBorrow();
        } catch (IOException | RuntimeException e) {
            endBorrow();
            markDead();
        } finally {
            lock.unlock();
        }
    }

    private void endBorrow() {
        batch = null;
        batchBuffer = null;
    }

    private void flushBatch() throws IOException {
        int n = batchLength;
        batchLength = 0;
        if (n > 0) {
            batchBuffer.clear().limit(n); // the loop's own view of the batch: no wrapper per write
            if (send(batchBuffer)) {
                progressed();
            }
        }
    }

    private boolean send(byte[] b, int off, int len) throws IOException {
        return send(ByteBuffer.wrap(b, off, len));
    }

    /** Writes as far as the socket takes; keeps a copy of the rest. Lock held. */
    private boolean send(ByteBuffer bb) throws IOException {
        if (closed) {
            throw new java.nio.channels.ClosedChannelException();
        }
        if (backlog.isEmpty()) {
            int before = bb.remaining();
            while (bb.hasRemaining() && channel.write(bb) > 0) {
                // keep writing while the socket takes bytes
            }
            if (!bb.hasRemaining()) {
                return true;
            }
            if (bb.remaining() < before) {
                progressed(); // the peer took some: it reads (the heartbeat's stall check)
            }
        }
        int from = bb.arrayOffset() + bb.position();
        backlog.add(ByteBuffer.wrap(Arrays.copyOfRange(bb.array(), from, from + bb.remaining())));
        backlogged = true;
        if (key != null && key.isValid()) {
            key.interestOpsOr(SelectionKey.OP_WRITE);
            loop.wakeup();
        }
        return false;
    }

    /** Writes bytes that precede every frame on this socket (the 101 that opens a tunnel). */
    void preface(byte[] bytes) {
        lock.lock();
        try {
            if (send(bytes, 0, bytes.length)) {
                progressed();
            }
        } catch (IOException | RuntimeException e) {
            markDead();
        } finally {
            lock.unlock();
        }
    }

    @Override
    boolean blocks() {
        return false;
    }

    /** Whether bytes are waiting for the socket (then the other peer is not read). */
    @Override
    boolean hasBacklog() {
        return backlogged;
    }

    /**
     * Loop thread, the socket is writable: writes what waits.
     *
     * @return true when nothing waits any more
     */
    boolean drain() {
        lock.lock();
        try {
            if (closed) {
                backlog.clear();
                return true;
            }
            while (!backlog.isEmpty()) {
                ByteBuffer head = backlog.peek();
                if (channel.write(head) > 0) {
                    // the peer reads, however slowly: proof of life for the heartbeat's stall check
                    // (a slow phone may take longer than the timeout to drain a whole backlog)
                    progressed();
                }
                if (head.hasRemaining()) {
                    return false;
                }
                backlog.poll();
            }
            key.interestOpsAnd(~SelectionKey.OP_WRITE);
        } catch (IOException | RuntimeException e) {
            backlog.clear();
            markDead();
            return true; // nothing waits any more; the peer is gone, so no progress to count
        } finally {
            backlogged = !backlog.isEmpty();
            lock.unlock();
        }
        progressed();
        return true;
    }

    /** What to run (once) when the proxy closes this socket: the loop no longer reads it, so its end is told this way. */
    void onClose(Runnable action) {
        onClose = action;
    }

    @Override
    void closeSocket() {
        boolean already;
        lock.lock();
        already = closed;
        try {
            if (batch != null) {
                flushBatch(); // a Close frame gathered in this read goes out before the socket closes
                endBorrow();
            }
        } catch (IOException | RuntimeException e) {
            endBorrow();
        } finally {
            closed = true;
            backlog.clear(); // bytes for a closed socket never go out: they must not hold the other peer back
            backlogged = false;
            lock.unlock();
        }
        if (!already) {
            loop.close(channel);
        }
        Runnable action = onClose;
        onClose = null;
        if (action != null) {
            action.run();
        }
    }
}
