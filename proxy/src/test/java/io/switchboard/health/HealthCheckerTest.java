package io.switchboard.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import io.switchboard.config.ConfigLoader;
import io.switchboard.route.Routes;

/**
 * The checker's memory follows the config: under DNS discovery pods come and go, and each backend
 * ever probed must not stay in its table after the pool stops listing it.
 */
class HealthCheckerTest {
    private static Routes routes(String backends) throws Exception {
        // port 9 on loopback: nothing listens, so each probe fails at once without waiting
        return new Routes(ConfigLoader.parse("""
                pools:
                  p:
                    backends: %s
                    health-check: {path: /healthz, interval: 1h, timeout: 100ms}
                routes:
                  - {path: /, pool: p}
                """.formatted(backends), "test.yaml"), System::nanoTime);
    }

    @Test
    void forgetsBackendsTheConfigNoLongerLists() throws Exception {
        AtomicReference<Routes> table = new AtomicReference<>(routes("[127.0.0.1:9, 127.0.0.2:9, 127.0.0.3:9]"));
        HealthChecker checker = new HealthChecker(table::get);
        checker.tick();
        assertThat(checker.tracked()).isEqualTo(3);
        table.set(routes("[127.0.0.3:9, 127.0.0.4:9]"));
        checker.tick();
        assertThat(checker.tracked()).as("127.0.0.1 and .2 are gone, .4 is new").isEqualTo(2);
    }
}
