package io.switchboard.tunnel;

import java.nio.channels.spi.SelectorProvider;
import java.util.Locale;
import java.util.logging.Logger;

/**
 * Finds the event loop's Linux sockets ({@code io.switchboard.tunnel.linux.EpollProvider}, built
 * for JDK 22 from {@code src/main/java22}) for {@code loop-io: native}. They are loaded by name, and
 * only on Linux (x86-64 or AArch64) with a JDK 22 or later, so this class and the rest of the proxy
 * still run on a JDK 21, where {@link #provider()} answers null and the loops use Java's NIO.
 */
final class NativeSockets {
    private static final Logger LOG = Logger.getLogger(NativeSockets.class.getName());
    private static final String PROVIDER = "io.switchboard.tunnel.linux.EpollProvider";
    private static SelectorProvider provider;
    private static boolean tried;

    private NativeSockets() {
    }

    /** The native provider, or null (logged once, with the reason) where it cannot run. */
    static synchronized SelectorProvider provider() {
        if (!tried) {
            tried = true;
            provider = load();
        }
        return provider;
    }

    private static SelectorProvider load() {
        String why = unsupportedBecause();
        if (why != null) {
            LOG.info("loop-io: native is not available (" + why + "); the event loop uses Java's NIO");
            return null;
        }
        try {
            return (SelectorProvider) Class.forName(PROVIDER).getMethod("create").invoke(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            Throwable cause = e instanceof java.lang.reflect.InvocationTargetException t ? t.getCause() : e;
            LOG.warning("loop-io: native failed to start (" + cause + "); the event loop uses Java's NIO");
            return null;
        }
    }

    /** Why this JVM cannot use the native sockets, or null if it can. */
    static String unsupportedBecause() {
        if (Runtime.version().feature() < 22) {
            return "needs JDK 22 or later, this is " + Runtime.version().feature();
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "needs Linux, this is " + System.getProperty("os.name");
        }
        String arch = System.getProperty("os.arch", "");
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return "needs x86-64 or AArch64, this is " + arch;
        }
        return null;
    }
}
