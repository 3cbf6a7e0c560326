package io.switchboard.conformance.load;

import io.switchboard.ws.DeflateNegotiation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.switchboard.conformance.ProxyProcess;

/**
 * The load generator's permessage-deflate path against the real proxy in terminate mode (the
 * benchmark's "terminate + deflate" column): compressed messages out, compressed echoes inflated
 * and compared with what was sent. Checks correctness only; each run lasts a fraction of a second.
 */
@Timeout(60)
class DeflateLoadTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static ProxyProcess proxy;
    private static List<String> backend;

    @BeforeAll
    static void start() throws Exception {
        backend = EchoServer.startInProcess(1);
        proxy = ProxyProcess.run("""
                listen: 127.0.0.1:0
                pools:
                  echo:
                    backends: [%s]
                routes:
                  - path: /pmd
                    pool: echo
                    mode: terminate
                    deflate: {client: true, backend: false, context-takeover: false, level: 1, min-size: 64B}
                  - path: /takeover
                    pool: echo
                    mode: terminate
                    deflate: {client: true, backend: false, context-takeover: true, level: 1, min-size: 64B}
                websocket: {heartbeat: off}
                """.formatted(backend.get(0)));
    }

    @AfterAll
    static void stop() {
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void compressedMessagesComeBackCompressedAndIdentical() throws Exception {
        for (int size : new int[] {64, 16384}) {
            for (int inflight : new int[] {1, 4}) {
                FlowLoad.Result r = run("/pmd", false, size, inflight);
                assertThat(r.messages()).as("%d B, %d in flight", size, inflight).isPositive();
                assertThat(r.failed()).isZero();
                assertThat(r.bad()).isZero();
                assertThat(r.compressedOut()).isPositive();
                assertThat(r.compressedIn()).isPositive();
                if (size == 16384) {
                    assertThat(r.ratioOut()).isLessThan(0.5); // JSON-like text compresses; random bytes would not
                    assertThat(r.ratioIn()).isLessThan(0.5);
                }
            }
        }
    }

    @Test
    void withContextTakeoverEveryMessageIsCompressedAtSendTime() throws Exception {
        FlowLoad.Result r = run("/takeover", true, 4096, 2);
        assertThat(r.messages()).isPositive();
        assertThat(r.failed()).isZero();
        assertThat(r.bad()).isZero();
        assertThat(r.compressedOut()).isPositive();
        assertThat(r.compressedIn()).isPositive();
    }

    @Test
    void messagesUnderTheMinimumSizeGoPlainBothWays() throws Exception {
        FlowLoad.Result r = run("/pmd", false, 63, 1);
        assertThat(r.messages()).isPositive();
        assertThat(r.bad()).isZero();
        assertThat(r.compressedOut()).isZero();
        assertThat(r.compressedIn()).isZero();
    }

    @Test
    void aServerThatDeclinesDeflateIsNotMeasured() {
        WsWire direct = new WsWire(URI.create("ws://" + backend.get(0) + "/ws"), 7, DeflateNegotiation.offer(false));
        assertThatThrownBy(() -> FlowLoad.run(List.of(direct), 1, messages(64), 1, SHORT, 1))
                .hasMessageContaining("declined permessage-deflate");
    }

    private static FlowLoad.Result run(String path, boolean contextTakeover, int size, int inflight) throws Exception {
        WsWire wire = new WsWire(proxy.ws(path), 11, DeflateNegotiation.offer(contextTakeover));
        return FlowLoad.run(List.of(wire), 3, messages(size), inflight, SHORT, 1);
    }

    private static FlowLoad.Messages messages(int size) {
        return FlowLoad.Messages.of(Payloads.Kind.JSON, size, 1, 64);
    }
}
