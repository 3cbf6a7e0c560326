package io.switchboard.conformance;

/** Every {@link EchoTest} case with {@code loop-io: nio}: the event loop on Java's NIO sockets. */
class EchoNioTest extends EchoTest {
    @Override
    String loopIo() {
        return "nio";
    }
}
