package io.switchboard.conformance;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * The lines of a child process' output stream, read on a daemon thread as they arrive. Tests wait
 * for a line with {@link #await} (always bounded) and inspect everything seen so far with
 * {@link #snapshot}.
 */
public final class OutputLines {
    private final String name;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    /**
     * Starts reading {@code in} (UTF-8) on a daemon thread.
     *
     * @param name shown in timeout messages and thread names, e.g. {@code "proxy stdout"}
     * @param in   the stream to read until EOF
     */
    public OutputLines(String name, InputStream in) {
        this.name = name;
        Thread reader = new Thread(() -> pump(in), "lines-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process went away; what was read stays available
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /** Every line read so far, in order. */
    public synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }

    /** Every line read so far, joined with newlines (for assertion messages). */
    public String text() {
        return String.join("\n", snapshot());
    }

    /** Whether the stream reached EOF. */
    public synchronized boolean ended() {
        return ended;
    }

    /**
     * Waits for the first line (already read or still to come) that matches.
     *
     * @param match   the line wanted
     * @param timeout how long to wait at most
     * @return the line
     * @throws UncheckedIOException wrapping a {@link TimeoutException} that lists what was seen,
     *                              when no line matched in time or the stream ended first
     */
    public String await(Predicate<String> match, Duration timeout) {
        return awaitFrom(0, match, timeout);
    }

    /**
     * Like {@link #await}, but only considers lines at index {@code from} or later.
     *
     * @param from index into {@link #snapshot()} where the search starts
     */
    public synchronized String awaitFrom(int from, Predicate<String> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = from;
        while (true) {
            for (; next < lines.size(); next++) {
                if (match.test(lines.get(next))) {
                    return lines.get(next);
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                throw new UncheckedIOException(new IOException(new TimeoutException(
                        (ended ? name + " ended" : "timed out after " + timeout + " on " + name)
                                + " without the expected line; lines seen:\n" + String.join("\n", lines))));
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting on " + name, e);
            }
        }
    }

    /** The first line read so far that matches, without waiting. */
    public synchronized Optional<String> find(Predicate<String> match) {
        return lines.stream().filter(match).findFirst();
    }

    /** How many lines were read so far. */
    public synchronized int size() {
        return lines.size();
    }
}
