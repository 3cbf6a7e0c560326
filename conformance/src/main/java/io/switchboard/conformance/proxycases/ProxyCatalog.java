package io.switchboard.conformance.proxycases;

import io.switchboard.conformance.autobahn.CaseIds;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxy behaviour catalogue: what only a proxy can get wrong, beyond what the Autobahn-style
 * suite checks through it. Sections:
 * <ul>
 *   <li>p.1 a peer vanishes (TCP FIN or reset, between messages, fragments or inside a frame);</li>
 *   <li>p.2 Close frames relayed exactly, every valid code, both directions;</li>
 *   <li>p.3 a backend refuses or ignores the upgrade;</li>
 *   <li>p.4 many clients at once through a sticky pool;</li>
 *   <li>p.5 bytes sharing a packet with either handshake;</li>
 *   <li>p.6 heartbeats and reaping (issue 5);</li>
 *   <li>p.7 backend drain and SIGTERM drain (issue 6).</li>
 * </ul>
 * Ids use the Autobahn pattern syntax ({@code p.6.*}); see {@link CaseIds}.
 */
public final class ProxyCatalog {
    private ProxyCatalog() {
    }

    /** Every case, in id order. */
    public static List<ProxyCase> all() {
        List<ProxyCase> out = new ArrayList<>();
        out.addAll(CloseCases.all());
        out.addAll(HandshakeCases.all());
        out.addAll(LoadCases.all());
        out.addAll(HeartbeatCases.all());
        out.addAll(DrainCases.all());
        out.sort((a, b) -> CaseIds.ORDER.compare(a.id(), b.id()));
        return List.copyOf(out);
    }

    /** The cases matched by {@code include} (empty: all) and by none of {@code exclude}, in id order. */
    public static List<ProxyCase> select(List<String> include, List<String> exclude) {
        return all().stream().filter(c -> CaseIds.selected(c.id(), include, exclude)).toList();
    }
}
