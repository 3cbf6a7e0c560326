package io.switchboard.conformance.proxycases;

import io.switchboard.conformance.autobahn.CaseSpec;
import io.switchboard.conformance.autobahn.CloseExpectation;
import java.util.List;
import java.util.Map;

/**
 * One case of the proxy behaviour catalogue: the peers it needs around the proxy
 * ({@link Fixture}) and what it does with them and expects ({@link Body}).
 *
 * @param id          {@code p.SECTION.N}, ordered like the Autobahn ids
 * @param description one line for reports
 * @param fixture     the backends, pool and route settings the case runs against
 * @param close       how the connection must end, for the report (codes the observing peer must get)
 * @param body        the case itself
 */
public record ProxyCase(String id, String description, Fixture fixture, CloseExpectation close, Body body) {

    /** The case's script: drives {@code env}'s peers and states its expectations on {@code t}. */
    @FunctionalInterface
    public interface Body {
        void run(Env env, Trace t) throws Exception;
    }

    /** A case where the proxy (not the client) must close, with one of {@code codes} (none: a TCP close). */
    static CloseExpectation byProxy(Integer... codes) {
        return new CloseExpectation(false, List.of(codes), true, false);
    }

    /** A case where the client ends the connection. */
    static CloseExpectation byClient(Integer... codes) {
        return new CloseExpectation(true, List.of(codes), false, false);
    }

    /** The report's view of the case (no fuzzer steps or expected event lists). */
    public CaseSpec spec() {
        return new CaseSpec(id, description, List.of(), Map.of(), close, false, false, null);
    }
}
