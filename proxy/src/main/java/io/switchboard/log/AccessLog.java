package io.switchboard.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.switchboard.config.LogConfig;
import io.switchboard.config.LogFormat;

/**
 * The access log: one line per WebSocket and per plain HTTP request, on the JUL logger
 * {@code switchboard.access} (stdout with the command-line logging setup). A line is a kind
 * ({@code ws} or {@code http}) and ordered fields, written as {@code kind key=value ...} (values
 * with spaces quoted) or, with {@code log.format: json} ({@link #configure}), as one JSON object per
 * line; with {@code log.access: off} no line is written. Sticky keys are logged
 * hashed, never raw, because they are often user ids.
 *
 * <p>Lines are written by one background thread, never by the thread that ends a connection: that
 * is often an event loop serving thousands of tunnels, and a log reader that stops reading (a full
 * pipe) must not stall them. Up to {@value #CAPACITY} lines wait; beyond that lines are dropped and
 * counted, and a warning says how many once the writer catches up. {@link #flush} waits for the
 * queue at exit.
 */
public final class AccessLog {
    static final int CAPACITY = 65_536;
    private static final Logger LOG = Logger.getLogger("switchboard.access");
    private static final Logger WARN = Logger.getLogger(AccessLog.class.getName());
    /** After writing a batch the writer waits this long, so a busy proxy wakes it ~100 times a second, not per line. */
    private static final long BATCH_PAUSE_NANOS = 10_000_000;
    /** Most lines the writer takes from the queue at once (they are out of the queue while it writes them). */
    static final int BATCH = 1024;
    private static final BlockingQueue<LogRecord> QUEUE = new ArrayBlockingQueue<>(CAPACITY);
    private static final AtomicLong QUEUED = new AtomicLong();
    private static final AtomicLong WRITTEN = new AtomicLong();
    private static final AtomicLong DROPPED = new AtomicLong();
    private static volatile boolean json;
    private static volatile boolean on = true;

    static {
        Thread.ofPlatform().daemon().name("switchboard-access-log").start(AccessLog::writeLines);
    }

    private AccessLog() {
    }

    /** Applies {@code log}: the format of later lines and whether they are written at all. */
    public static void configure(LogConfig log) {
        json = log.format() == LogFormat.JSON;
        on = log.access();
    }

    /**
     * Starts a line of {@code kind}. With {@code log.access: off} it is an inert line that keeps
     * nothing, so a handshake builds no fields and hashes no key for a log nobody writes (a line
     * begun while the log was off stays unwritten if a reload turns it on meanwhile).
     */
    public static Line line(String kind) {
        return on ? new Line(kind) : Line.OFF;
    }

    /** Whether lines are written ({@code log.access}); callers skip computing fields when not. */
    public static boolean enabled() {
        return on;
    }

    /** One access log line being built; {@link #write} logs it. */
    public static final class Line {
        private static final Line OFF = new Line(null);
        private final String kind;
        private final Map<String, Object> fields;

        private Line(String kind) {
            this.kind = kind;
            this.fields = kind == null ? null : new LinkedHashMap<>();
        }

        /** Adds a field (later ones with the same key replace earlier ones). */
        public Line add(String key, Object value) {
            if (fields != null) {
                fields.put(key, value);
            }
            return this;
        }

        /** Adds a sticky key as {@link #hashKey} tags it, hashing only for a line that is written. */
        public Line addHashed(String key, String stickyKey) {
            return fields == null ? this : add(key, hashKey(stickyKey));
        }

        /** Adds every field of {@code other} (a prefix built earlier). */
        public Line addAll(Line other) {
            if (fields != null && other.fields != null) {
                fields.putAll(other.fields);
            }
            return this;
        }

        /**
         * Queues the line for the writer thread (dropped and counted if the queue is full); its
         * timestamp is taken now, not when the writer gets to it.
         */
        public void write() {
            if (!on || fields == null) {
                return; // log.access: off
            }
            LogRecord r = new LogRecord(Level.INFO, json ? json() : plain());
            r.setLoggerName(LOG.getName());
            if (QUEUE.offer(r)) {
                QUEUED.incrementAndGet();
            } else {
                DROPPED.incrementAndGet();
            }
        }

        String plain() {
            StringBuilder b = new StringBuilder(kind);
            fields.forEach((k, v) -> {
                String s = oneLine(String.valueOf(v));
                b.append(' ').append(k).append('=').append(s.indexOf(' ') >= 0 || s.isEmpty() ? "\"" + s.replace("\"", "'") + "\"" : s);
            });
            return b.toString();
        }

        /** Control characters (a backend's multi-line error text) become spaces: one record, one line. */
        private static String oneLine(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) < 0x20 || s.charAt(i) == 0x7f) {
                    StringBuilder b = new StringBuilder(s.length());
                    s.chars().forEach(c -> b.append(c < 0x20 || c == 0x7f ? ' ' : (char) c));
                    return b.toString();
                }
            }
            return s;
        }

        String json() {
            StringBuilder b = new StringBuilder("{\"kind\":\"").append(kind).append('"');
            fields.forEach((k, v) -> {
                b.append(",\"").append(k).append("\":");
                if (v instanceof Number n) {
                    b.append(n);
                } else {
                    quote(b, String.valueOf(v));
                }
            });
            return b.append('}').toString();
        }

        private static void quote(StringBuilder b, String s) {
            b.append('"');
            for (char c : s.toCharArray()) {
                if (c == '"' || c == '\\') {
                    b.append('\\').append(c);
                } else if (c < 0x20) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(c);
                }
            }
            b.append('"');
        }
    }

    /**
     * Waits until every line queued so far is written, at most {@code max} (at exit, so the last
     * connections' lines are not lost).
     */
    public static void flush(Duration max) {
        long target = QUEUED.get();
        long deadline = System.nanoTime() + max.toNanos();
        while (WRITTEN.get() < target && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Writes lines in batches: everything queued is published, then the handlers are flushed once
     * (one write to stdout per batch instead of one per connection), then the writer pauses briefly
     * so that under load lines gather instead of waking it for each one. Idle, it blocks and costs
     * nothing; a line is visible within about {@code BATCH_PAUSE_NANOS}.
     */
    private static void writeLines() {
        List<LogRecord> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                batch.add(QUEUE.take());
                QUEUE.drainTo(batch, BATCH - 1);
                publish(batch);
                batch.clear();
                long dropped = QUEUE.isEmpty() ? DROPPED.getAndSet(0) : 0;
                if (dropped > 0) {
                    WARN.warning("access log: " + dropped + " lines dropped: its reader did not keep up");
                }
                LockSupport.parkNanos(BATCH_PAUSE_NANOS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void publish(List<LogRecord> batch) {
        for (LogRecord r : batch) {
            try {
                LOG.log(r);
            } catch (RuntimeException e) {
                // a handler failed on this line; go on with the next
            }
            WRITTEN.incrementAndGet();
        }
        for (Handler h : LOG.getHandlers()) {
            h.flush();
        }
    }

    /** A short, stable, non-reversible tag of a sticky key ({@code -} when there is none). */
    public static String hashKey(String key) {
        if (key == null) {
            return "-";
        }
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JDK", e);
        }
    }
}
