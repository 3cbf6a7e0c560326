package io.switchboard.conformance.proxycases;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What a case needs behind the proxy: its backends (started by the runner), extra lines for its
 * pool, and an optional {@code websocket:} section for its route. Each case gets its own pool and
 * route ({@code /p-1-1} for {@code p.1.1}), so cases sharing one proxy cannot disturb each other;
 * {@link #alone} cases (those that stop the proxy) get a proxy of their own.
 *
 * @param backends  starts the backends, in pool order
 * @param poolLines extra pool keys, one YAML line each ({@code balance: round-robin})
 * @param websocket the route's {@code websocket:} value as a YAML flow mapping, or null
 * @param ownProxy  whether the case needs a proxy to itself
 */
public record Fixture(List<Supplier<Upstream>> backends, List<String> poolLines, String websocket, boolean ownProxy) {

    /** A fixture with these backends and nothing else. */
    @SafeVarargs
    static Fixture of(Supplier<Upstream>... backends) {
        List<Supplier<Upstream>> list = new ArrayList<>();
        for (Supplier<Upstream> b : backends) {
            list.add(b); // copied element by element: the varargs array itself never escapes
        }
        return new Fixture(List.copyOf(list), List.of(), null, false);
    }

    /** The same with extra pool lines. */
    Fixture pool(String... lines) {
        List<String> all = new ArrayList<>(poolLines);
        all.addAll(List.of(lines));
        return new Fixture(backends, all, websocket, ownProxy);
    }

    /** The same with the route's {@code websocket:} section. */
    Fixture websocket(String flowMap) {
        return new Fixture(backends, poolLines, flowMap, ownProxy);
    }

    /** The same on a proxy of its own. */
    Fixture alone() {
        return new Fixture(backends, poolLines, websocket, true);
    }

    /** The pool and route name for case {@code id}: dots become dashes. */
    static String name(String id) {
        return id.replace('.', '-');
    }
}
