package io.switchboard.server;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

import io.switchboard.log.AccessLog;
import sun.misc.Signal;

/**
 * Turns signals into the proxy's lifecycle: SIGTERM starts a paced drain (Kubernetes), SIGINT an
 * unpaced one (Ctrl-C: every socket gets its Close frame now), a second TERM or INT during a drain
 * skips what is left of the pacing, and SIGHUP reloads the config. Once the drain is over the
 * listeners stop and {@link #awaitExit} returns the exit status: 0 when every connection closed
 * cleanly, 1 when some had to be forced at the deadline.
 */
public final class Stopper {
    private static final Logger LOG = Logger.getLogger("switchboard.lifecycle");

    private final Switchboard proxy;
    private final AutoCloseable also;
    private final CountDownLatch exited = new CountDownLatch(1);
    private volatile int status;
    private boolean started;

    /**
     * @param proxy the running proxy
     * @param also  closed after it (the demo's backends), or null
     */
    public Stopper(Switchboard proxy, AutoCloseable also) {
        this.proxy = proxy;
        this.also = also;
    }

    /** Installs the TERM, INT and HUP handlers. */
    public void installSignalHandlers() {
        Signal.handle(new Signal("TERM"), s -> stop(true));
        Signal.handle(new Signal("INT"), s -> stop(false));
        try {
            Signal.handle(new Signal("HUP"), s -> Thread.ofVirtual().start(proxy::reload));
        } catch (IllegalArgumentException e) {
            LOG.warning("SIGHUP is not available here; the config file watch still reloads");
        }
    }

    /** Starts the drain, or hurries one already running. */
    public synchronized void stop(boolean paced) {
        if (started) {
            LOG.info("second signal: skipping the rest of the drain pacing");
            proxy.drain().hurry();
            return;
        }
        started = true;
        Thread.ofPlatform().name("switchboard-drain").start(() -> {
            int forced = 0;
            boolean failed = false;
            try {
                forced = proxy.drain().run(paced);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failed = true; // a bug in the drain: still stop, and say so in the exit status
                LOG.log(java.util.logging.Level.SEVERE, "drain failed: " + e, e);
            } finally {
                // each step in its own guard: main waits for exited, so a failure here must not hang it
                closeQuietly(proxy::close);
                closeQuietly(also);
                AccessLog.flush(Duration.ofSeconds(5));
                status = forced == 0 && !failed ? 0 : 1;
                exited.countDown();
            }
        });
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warning("while stopping: " + e);
        }
    }

    /** Blocks until the drain is over and the listeners stopped; returns the exit status. */
    public int awaitExit() throws InterruptedException {
        exited.await();
        return status;
    }
}
