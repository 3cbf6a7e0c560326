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

    private static DialPlan plan(String backends) throws ConfigException {
        ProxyConfig config = ConfigLoader.parse("""
                pools:
                  p:
                    backends: %s
                    balance: round-robin
                    attempts: 3
                routes:
                  - {path: /, pool: p}
                """.formatted(backends), "test.yaml");
        RouteTarget target = new Routes(config, System::nanoTime)
                .match(new RequestInfo("127.0.0.1", "example.test", "/", "", WritableHeaders.create()));
        return new DialPlan(target, null, config.timeouts());
    }
}
