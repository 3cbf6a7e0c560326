package io.switchboard.http;

import io.helidon.webclient.api.HttpClientResponse;
import io.switchboard.drain.Drainable;

/**
 * A plain HTTP response whose body is being relayed. A process drain waits for every one (until
 * {@code drain.deadline}), and ends only a Server-Sent Events stream, which never ends by itself
 * and whose clients reconnect: the relay loop stops, the response gets its last chunk, and the
 * upstream connection is closed. Any other body (a download, a slow JSON answer) is finite and is
 * left to finish: ending it would truncate it, and a chunked body cut at a chunk boundary even
 * looks complete to the client.
 */
final class HttpStream implements Drainable {
    private final String pool;
    private final String backend;
    private final HttpClientResponse upstream;
    private final boolean eventStream;
    private volatile boolean draining;
    private volatile boolean cut; // a finite body ended early: the client must see it unfinished

    HttpStream(String pool, String backend, HttpClientResponse upstream, boolean eventStream) {
        this.pool = pool;
        this.backend = backend;
        this.upstream = upstream;
        this.eventStream = eventStream;
    }

    /** True once a drain asked the relay loop to stop. */
    boolean draining() {
        return draining;
    }

    @Override
    public boolean webSocket() {
        return false;
    }

    @Override
    public String pool() {
        return pool;
    }

    @Override
    public String backend() {
        return backend;
    }

    @Override
    public String stickyKey() {
        return null;
    }

    @Override
    public void drain(int code, String reason) {
        if (eventStream) {
            end();
        }
    }

    /** True when {@link #abort} ended a body that was not an event stream (it is incomplete). */
    boolean isCut() {
        return cut;
    }

    /** At the drain deadline: whatever it is, it ends now (the process is about to exit). */
    @Override
    public void abort() {
        cut = !eventStream;
        end();
    }

    private void end() {
        draining = true;
        upstream.close(); // unblocks the relay's read; the loop then ends the response normally
    }
}
