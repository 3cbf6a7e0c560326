package io.switchboard.conformance.bench;

import java.util.concurrent.CountDownLatch;

import io.switchboard.demo.EchoBackend;

/**
 * Runs one {@link EchoBackend} in its own JVM (benchmarks keep backends out of the measured
 * proxy process and out of the client's file-descriptor budget). Prints {@code ready HOST:PORT}.
 */
public final class EchoServerMain {
    private EchoServerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        EchoBackend backend = EchoBackend.start(args.length > 0 ? args[0] : "bench-backend");
        System.out.println("ready " + backend.address());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
