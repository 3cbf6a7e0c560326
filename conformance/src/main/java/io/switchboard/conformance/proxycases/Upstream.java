package io.switchboard.conformance.proxycases;

import io.switchboard.demo.EchoBackend;

/** A backend a case puts behind the proxy: a scripted {@link Backend} or the demo's echo server. */
public interface Upstream extends AutoCloseable {
    /** Its name (what it says in {@code X-Backend}). */
    String name();

    /** {@code host:port} for the proxy's YAML. */
    String address();

    @Override
    void close();

    /**
     * The demo's Helidon echo backend ({@link EchoBackend}), which answers the text {@code /name}
     * with its name: a real server stack, for the load case.
     */
    record Demo(EchoBackend server) implements Upstream {
        /** Starts a demo echo backend called {@code name}. */
        public static Demo start(String name) {
            return new Demo(EchoBackend.start(name));
        }

        @Override
        public String name() {
            return server.name();
        }

        @Override
        public String address() {
            return server.address();
        }

        @Override
        public void close() {
            server.close();
        }
    }
}
