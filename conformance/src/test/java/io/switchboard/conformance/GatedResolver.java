package io.switchboard.conformance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A name resolver that makes a lookup as slow as a test wants, installed in a proxy process only
 * (its {@code META-INF/services} entry is in {@code src/test/dns-gate}, which a test adds to that
 * process's class path; see {@link ProxyProcess#runWith}). Names under {@code gated.test} resolve
 * to 127.0.0.1, but only once the gate is open: the lookup appends the name to {@code asked} in the
 * directory named by the system property {@value #GATE}, then waits until a file {@code open}
 * exists there (at most 60 s, then the name does not resolve). Every other name, and every name
 * when the property is unset, goes to the JDK's own resolver.
 */
public final class GatedResolver extends InetAddressResolverProvider {
    /** The system property naming the gate directory. */
    public static final String GATE = "switchboard.test.dns-gate";

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        String dir = System.getProperty(GATE);
        return dir == null ? builtin : new Gated(builtin, Path.of(dir));
    }

    @Override
    public String name() {
        return "switchboard test resolver (gated names)";
    }

    private record Gated(InetAddressResolver builtin, Path gate) implements InetAddressResolver {
        @Override
        public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
            if (!host.endsWith(".gated.test")) {
                return builtin.lookupByName(host, policy);
            }
            try {
                Files.writeString(gate.resolve("asked"), host + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!Files.exists(gate.resolve("open"))) {
                    if (System.nanoTime() > deadline) {
                        throw new UnknownHostException(host + ": the test never opened the gate");
                    }
                    Thread.sleep(10);
                }
            } catch (IOException e) {
                throw new UnknownHostException(host + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnknownHostException(host + ": interrupted");
            }
            return Stream.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
        }

        @Override
        public String lookupByAddress(byte[] addr) throws UnknownHostException {
            return builtin.lookupByAddress(addr);
        }
    }
}
