package io.switchboard.http;

import io.helidon.webclient.api.HttpClientResponse;
import io.switchboard.drain.Drainable;

/**
 * A plain HTTP response whose body is being streamed (a Server-Sent Events stream, a download).
 * A drain ends it cleanly: the relay loop stops, the response gets its last chunk, and the
 * upstream connection is closed.
 */
final class HttpStream implements Drainable {
    private final String pool;
    private final String backend;
    private final HttpClientResponse upstream;
    private volatile boolean draining;

    HttpStream(String pool, String backend, HttpClientResponse upstream) {
        this.pool = pool;
        this.backend = backend;
        this.upstream = upstream;
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
        draining = true;
        upstream.close(); // unblocks the relay's read; the loop then ends the response normally
    }

    @Override
    public void abort() {
        drain(0, "");
    }
}
