package io.switchboard.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The access log's background writer: order kept, flush at exit, drops counted instead of blocking. */
class AccessLogTest {
    private static final Logger ACCESS = Logger.getLogger("switchboard.access");
    private static final Logger WARN = Logger.getLogger(AccessLog.class.getName());

    @BeforeAll
    static void quiet() {
        ACCESS.setUseParentHandlers(false); // tens of thousands of lines have no place on the console
        WARN.setUseParentHandlers(false);
    }

    @AfterAll
    static void loud() {
        ACCESS.setUseParentHandlers(true);
        WARN.setUseParentHandlers(true);
    }

    /** Collects what a logger publishes; optionally holds the publishing thread until released. */
    private static final class Capture extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final CountDownLatch release;

        Capture(CountDownLatch release) {
            this.release = release;
        }

        @Override
        public void publish(LogRecord r) {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            lines.add(r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void linesAreWrittenInOrderAndFlushWaitsForThem() {
        Capture capture = new Capture(new CountDownLatch(0));
        ACCESS.addHandler(capture);
        try {
            for (int i = 0; i < 2000; i++) {
                AccessLog.line("ws").add("n", i).write();
            }
            AccessLog.flush(Duration.ofSeconds(10));
            List<String> mine = capture.lines.stream().filter(l -> l.startsWith("ws n=")).toList();
            assertThat(mine).hasSize(2000);
            for (int i = 0; i < 2000; i++) {
                assertThat(mine.get(i)).isEqualTo("ws n=" + i);
            }
        } finally {
            ACCESS.removeHandler(capture);
        }
    }

    @Test
    void aStuckReaderCostsLinesNotTheCallers() {
        CountDownLatch release = new CountDownLatch(1);
        Capture stuck = new Capture(release);
        Capture warnings = new Capture(new CountDownLatch(0));
        ACCESS.addHandler(stuck);
        WARN.addHandler(warnings);
        try {
            long t0 = System.nanoTime();
            int total = AccessLog.CAPACITY + AccessLog.BATCH + 100; // the queue plus what the writer holds in hand
            for (int i = 0; i < total; i++) {
                AccessLog.line("ws").add("stuck", i).write(); // never blocks, even with the writer held
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
            release.countDown();
            AccessLog.flush(Duration.ofSeconds(20));
            long kept = stuck.lines.stream().filter(l -> l.startsWith("ws stuck=")).count();
            assertThat(kept).isLessThan(total).isGreaterThanOrEqualTo(AccessLog.CAPACITY);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (warnings.lines.isEmpty() && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertThat(warnings.lines).anySatisfy(w -> assertThat(w).contains("lines dropped"));
        } finally {
            release.countDown();
            ACCESS.removeHandler(stuck);
            WARN.removeHandler(warnings);
        }
    }
}
