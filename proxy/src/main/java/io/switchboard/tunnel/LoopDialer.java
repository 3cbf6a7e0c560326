package io.switchboard.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.switchboard.balance.Backend;

/**
 * Opens a plain-TCP upstream leg on a {@link ChannelLoop} without blocking any thread: a
 * non-blocking connect, the upgrade request written as the socket takes it, the backend's answer
 * gathered as it arrives, each step bounded by its timeout on the shared scheduler. Same plan,
 * same outcomes as the blocking {@link UpstreamDialer} (connect failures and 5xx answers move on
 * to the next candidate; a non-5xx refusal is relayed with its body). Why: a dial on Helidon's
 * virtual thread parks it twice per handshake (on the connect and on the 101), and each park and
 * wake-up is a round trip through the JDK's poller and the carrier thread; here the loop that
 * will carry the tunnel sees both events among the others it is already handling.
 *
 * <p>Everything but {@link #start} runs on the loop thread. The outcome goes to {@code done} on
 * the loop thread; an upgraded backend socket stays registered with the loop (interest cleared),
 * ready for the tunnel's {@link LoopBinding}.
 */
final class LoopDialer implements ChannelLoop.Endpoint {
    private enum Step { CONNECTING, SENDING, READING_HEAD, READING_BODY }

    private final ChannelLoop loop;
    private final ScheduledExecutorService timers;
    private final DialPlan plan;
    private final byte[] request;
    private final Consumer<UpstreamDialer.Outcome> done;
    private Backend backend;
    private SocketChannel channel;
    private SelectionKey key;
    private Step step;
    private ScheduledFuture<?> timer;
    private int attempt;
    private ByteBuffer unsent;
    private ResponseHead.Gatherer gatherer;
    private ResponseHead head;
    private ByteArrayOutputStream body;
    private long wanted;

    private LoopDialer(ChannelLoop loop, ScheduledExecutorService timers, DialPlan plan, byte[] request,
                       Consumer<UpstreamDialer.Outcome> done) {
        this.loop = loop;
        this.timers = timers;
        this.plan = plan;
        this.request = request;
        this.done = done;
    }

    /**
     * Starts a dial on {@code loop}. The plan resolved the host names already, so the loop never
     * waits for DNS; a name that did not resolve counts as that backend's connect failure.
     */
    static void start(ChannelLoop loop, ScheduledExecutorService timers, DialPlan plan, byte[] request,
                      Consumer<UpstreamDialer.Outcome> done) {
        LoopDialer dialer = new LoopDialer(loop, timers, plan, request, done);
        loop.execute(dialer::tryNext);
    }

    /** Dials the next candidate, or reports the plan's failure when none is left. */
    private void tryNext() {
        close();
        backend = plan.next();
        if (backend == null) {
            done.accept(plan.failure());
            return;
        }
        attempt++;
        if (plan.needsLookup()) {
            // a host name: DNS can take seconds, which no socket on this loop may wait for
            Thread.startVirtualThread(() -> {
                plan.lookUp();
                loop.execute(this::connect);
            });
            return;
        }
        connect();
    }

    /** Connects to the backend {@link DialPlan#next()} gave, whose address is known. */
    private void connect() {
        InetSocketAddress address = plan.address();
        try {
            // an IPv4 backend gets an IPv4 socket: a dual-stack one costs an IPV6_V6ONLY call per dial
            channel = loop.openSocket(address.isUnresolved() || !(address.getAddress() instanceof Inet4Address)
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            TcpKeepAlive.apply(channel);
        } catch (IOException | RuntimeException e) {
            // this process is out of sockets (file descriptors): not the backend's fault, so it is
            // not counted towards ejecting it, as on the blocking path
            plan.failed(backend, "no socket (" + e.getMessage() + ")");
            tryNext();
            return;
        }
        try {
            if (address.isUnresolved()) {
                throw new IOException("cannot resolve " + address.getHostString());
            }
            step = Step.CONNECTING;
            arm(plan.timeouts().connect());
            // a loopback (or same-host) connect has usually finished before connect returns: asked
            // at once, it needs no OP_CONNECT, no change of interest after it and no loop pass
            boolean connected = channel.connect(address) || channel.finishConnect();
            key = loop.register(channel, connected ? 0 : SelectionKey.OP_CONNECT, this);
            if (connected) {
                connectable();
            }
        } catch (IOException | RuntimeException e) {
            plan.connectFailed(backend, String.valueOf(e.getMessage()));
            tryNext();
        }
    }

    @Override
    public void connectable() {
        try {
            if (!channel.finishConnect()) {
                return;
            }
        } catch (IOException e) {
            plan.connectFailed(backend, String.valueOf(e.getMessage()));
            tryNext();
            return;
        }
        plan.connected(backend);
        step = Step.SENDING;
        arm(plan.timeouts().upstreamHandshake());
        unsent = ByteBuffer.wrap(request);
        key.interestOps(SelectionKey.OP_WRITE);
        writable();
    }

    @Override
    public void writable() {
        if (step != Step.SENDING) {
            return;
        }
        try {
            channel.write(unsent);
        } catch (IOException e) {
            fail(e.getMessage());
            return;
        }
        if (!unsent.hasRemaining()) {
            step = Step.READING_HEAD;
            gatherer = new ResponseHead.Gatherer();
            key.interestOps(SelectionKey.OP_READ);
        }
    }

    @Override
    public void read(byte[] b, int n) {
        try {
            if (step == Step.READING_BODY) {
                body.write(b, 0, (int) Math.min(n, wanted - body.size()));
                if (body.size() >= wanted) {
                    answered();
                }
                return;
            }
            head = gatherer.add(b, n);
            if (head != null) {
                headRead();
            }
        } catch (IOException e) {
            fail(e.getMessage());
        }
    }

    private void headRead() {
        if (head.status() == 101) {
            cancelTimer();
            key.interestOps(0); // the tunnel's binding takes the key over
            UpstreamDialer.Upgraded up = new UpstreamDialer.Upgraded(channel, backend, plan.acquire(backend), head);
            channel = null;
            done.accept(up);
        } else if (head.status() < 500) {
            step = Step.READING_BODY;
            body = new ByteArrayOutputStream();
            wanted = head.bodyWanted();
            body.write(head.leftover(), 0, (int) Math.min(wanted, head.leftover().length));
            if (body.size() >= wanted) {
                answered();
            }
        } else {
            fail("answered " + head.status());
        }
    }

    /** A refusal to relay: what arrived of its body goes with it (also on EOF or at the deadline). */
    private void answered() {
        UpstreamDialer.Answered answer = new UpstreamDialer.Answered(backend, head, body.toByteArray());
        close();
        plan.release();
        done.accept(answer);
    }

    @Override
    public void ended() {
        if (step == Step.READING_BODY) {
            answered();
        } else {
            fail("connection closed before a full response head");
        }
    }

    /** This backend did not take the upgrade: the next one is tried. */
    private void fail(String why) {
        plan.failed(backend, String.valueOf(why));
        tryNext();
    }

    private void timedOut(int which) {
        if (which != attempt || channel == null) {
            return; // a later attempt, or the dial already ended
        }
        switch (step) {
            case CONNECTING -> {
                plan.connectFailed(backend, "connect timed out");
                tryNext();
            }
            case READING_BODY -> answered();
            default -> {
                plan.timedOut(backend);
                tryNext();
            }
        }
    }

    /** One timer per step: the connect timeout, then the upstream-handshake timeout for the answer. */
    private void arm(Duration timeout) {
        cancelTimer();
        int which = attempt;
        timer = timers.schedule(() -> loop.execute(() -> timedOut(which)), Math.max(1, timeout.toMillis()),
                TimeUnit.MILLISECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /** Drops the current attempt's socket (its key goes with it). */
    private void close() {
        cancelTimer();
        if (channel != null) {
            loop.close(channel);
            channel = null;
        }
        key = null;
        head = null;
        gatherer = null;
    }
}
