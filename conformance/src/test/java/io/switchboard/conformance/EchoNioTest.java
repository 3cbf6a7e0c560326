package io.switchboard.conformance;

import org.junit.jupiter.api.BeforeAll;

/** Every {@link EchoTest} case with {@code loop-io: nio}: the event loop on Java's NIO sockets. */
class EchoNioTest extends EchoTest {
    /** Hides {@link EchoTest#start()}, so JUnit runs this one instead. */
    @BeforeAll
    static void start() {
        startWith("nio");
    }
}
