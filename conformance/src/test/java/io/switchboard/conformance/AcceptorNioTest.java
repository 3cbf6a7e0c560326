package io.switchboard.conformance;

import java.io.IOException;

import org.junit.jupiter.api.BeforeAll;

/** Every {@link AcceptorTest} case with {@code loop-io: nio}: the acceptor and splice on Java's NIO sockets. */
class AcceptorNioTest extends AcceptorTest {
    /** Hides {@link AcceptorTest#start()}, so JUnit runs this one instead. */
    @BeforeAll
    static void start() throws IOException {
        startWith("loop-io: nio\n");
    }
}
