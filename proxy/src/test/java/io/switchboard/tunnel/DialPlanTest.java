package io.switchboard.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.helidon.http.WritableHeaders;
import io.switchboard.balance.Backend;
import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.ProxyConfig;
import io.switchboard.route.RequestInfo;
import io.switchboard.route.RouteTarget;
import io.switchboard.route.Routes;

/**
 * Which backend addresses a dial may resolve where: an IP literal is parsed wherever the plan is
 * (on the event loop too), a host name only by {@link DialPlan#lookUp}, which the loop runs on
 * another thread.
 */
class DialPlanTest {
    @Test
    void ipLiteralsNeedNoLookupAndHostNamesDo() throws Exception {
        DialPlan plan = plan("[127.0.0.1:9000, \"[::1]:9001\", localhost:9002]");
        List<String> lookups = new ArrayList<>();
        for (Backend b = plan.next(); b != null; b = plan.next()) {
            if (plan.needsLookup()) {
                lookups.add(b.id());
                plan.lookUp();
            }
            InetSocketAddress address = plan.address();
            assertThat(address.isUnresolved()).as(b.id()).isFalse();
            assertThat(address.getAddress().isLoopbackAddress()).as(b.id()).isTrue();
            assertThat(address.getPort()).as(b.id()).isEqualTo(Integer.parseInt(b.id().substring(b.id().lastIndexOf(':') + 1)));
        }
        assertThat(lookups).containsExactly("localhost:9002");
    }

    @Test
    void aNameThatDoesNotResolveGivesAnUnresolvedAddressNotAnException() throws Exception {
        DialPlan plan = plan("[no-such-host.invalid:9]"); // RFC 6761: never resolves
        plan.next();
        assertThat(plan.needsLookup()).isTrue();
        plan.lookUp();
        assertThat(plan.address().isUnresolved()).isTrue();
    }

    @Test
    void theBackendBeingTriedCountsAsOpenFromThePlansStartUntilItsAttemptEnds() throws Exception {
        RouteTarget target = target("[127.0.0.1:9000, 127.0.0.1:9001, 127.0.0.1:9002]");
        io.switchboard.balance.Pool pool = target.pool();
        DialPlan plan = new DialPlan(target, null, io.switchboard.config.Timeouts.defaults());
        assertThat(pool.totalOpen()).as("counted at once: plans made in a burst see each other").isEqualTo(1);
        Backend first = plan.next();
        assertThat(pool.open(first)).isEqualTo(1);
        Backend second = plan.next(); // the first attempt failed
        assertThat(pool.open(first)).isZero();
        assertThat(pool.open(second)).isEqualTo(1);
        io.switchboard.balance.Lease lease = plan.acquire(second); // it took the upgrade: the tunnel holds the slot
        assertThat(lease.backend()).isSameAs(second);
        assertThat(plan.next()).isNotNull();
        assertThat(plan.next()).isNull();
        assertThat(pool.open(second)).as("the tunnel's lease outlives the plan").isEqualTo(1);
        assertThat(pool.totalOpen()).isEqualTo(1);
        lease.close();
        assertThat(pool.totalOpen()).isZero();

        DialPlan refused = new DialPlan(target, null, io.switchboard.config.Timeouts.defaults());
        refused.next();
        refused.release(); // the backend answered the upgrade with its own refusal
        assertThat(pool.totalOpen()).isZero();
        DialPlan exhausted = new DialPlan(target, null, io.switchboard.config.Timeouts.defaults());
        while (exhausted.next() != null) {
            assertThat(pool.totalOpen()).isEqualTo(1);
        }
        exhausted.failure();
        assertThat(pool.totalOpen()).isZero();
    }

    private static DialPlan plan(String backends) throws ConfigException {
        ProxyConfig config = ConfigLoader.parse(yaml(backends), "test.yaml");
        return new DialPlan(target(config), null, config.timeouts());
    }

    private static RouteTarget target(String backends) throws ConfigException {
        return target(ConfigLoader.parse(yaml(backends), "test.yaml"));
    }

    private static RouteTarget target(ProxyConfig config) {
        return new Routes(config, System::nanoTime)
                .match(new RequestInfo("127.0.0.1", "example.test", "/", "", WritableHeaders.create()));
    }

    private static String yaml(String backends) {
        return """
                pools:
                  p:
                    backends: %s
                    balance: round-robin
                    attempts: 3
                routes:
                  - {path: /, pool: p}
                """.formatted(backends);
    }
}
