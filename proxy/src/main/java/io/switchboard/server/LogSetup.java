package io.switchboard.server;

import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * Logging for the command line: one line per record, access log on stdout, everything else
 * (warnings, lifecycle) on stderr, so {@code switchboard run cfg.yaml > access.log} captures just
 * the access log.
 */
public final class LogSetup {
    // JUL holds loggers weakly: a level set on a logger nobody references is lost when it is collected
    private static final Logger HELIDON = Logger.getLogger("io.helidon");
    private static final Logger ACCESS = Logger.getLogger("switchboard.access");

    private LogSetup() {
    }

    /**
     * Replaces the JUL handlers. Idempotent. {@code Main} also sets
     * {@code io.helidon.logging.config.disabled}, because Helidon otherwise re-reads the JUL
     * configuration when its first server starts, which drops handlers installed earlier.
     */
    public static void configure() {
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
        }
        Formatter oneLine = new OneLine();
        ConsoleHandler err = new ConsoleHandler();
        err.setFormatter(oneLine);
        err.setLevel(Level.INFO);
        err.setFilter(r -> !"switchboard.access".equals(r.getLoggerName()));
        root.addHandler(err);
        root.setLevel(Level.INFO);

        Logger access = ACCESS;
        for (Handler h : access.getHandlers()) {
            access.removeHandler(h);
        }
        // AccessLog's writer flushes after each batch of lines (one write per batch, not per line)
        StreamHandler out = new StreamHandler(System.out, new AccessLine());
        access.addHandler(out);
        access.setUseParentHandlers(false);
        // Helidon logs a feature banner and every connection at INFO/FINE; keep its warnings only
        HELIDON.setLevel(Level.WARNING);
    }

    /** Access log lines: an ISO-8601 UTC timestamp and the line, nothing else (easy to parse). */
    private static final class AccessLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            return r.getInstant() + " " + formatMessage(r) + System.lineSeparator();
        }
    }

    private static final class OneLine extends Formatter {
        @Override
        public String format(LogRecord r) {
            String thrown = r.getThrown() == null ? "" : " " + r.getThrown();
            return r.getInstant() + " " + r.getLevel().getName() + " " + formatMessage(r) + thrown + System.lineSeparator();
        }
    }
}
