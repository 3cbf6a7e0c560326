package io.switchboard.conformance.autobahn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One case run against one agent: the spec, what happened, and the verdict.
 *
 * @param agent   the agent (target) name as given by the user
 * @param spec    the case
 * @param outcome what the fuzzer recorded
 * @param verdict the judgement
 */
public record CaseResult(String agent, CaseSpec spec, Outcome outcome, Verdicts.Verdict verdict) {

    /** The per-case report file name: agent lower-cased, non-alphanumerics as '_', then the id. */
    public String reportFile() {
        return agent.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_") + "_case_" + spec.id().replace('.', '_') + ".json";
    }

    /** The entry of {@code index.json}. */
    Map<String, Object> indexEntry() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("behavior", verdict.behavior());
        m.put("behaviorClose", verdict.behaviorClose());
        m.put("duration", outcome.durationMillis);
        m.put("remoteCloseCode", outcome.remoteCloseCode);
        m.put("reportfile", reportFile());
        return m;
    }

    /** The whole per-case report. */
    Map<String, Object> report() {
        Outcome o = outcome;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("agent", agent);
        m.put("id", spec.id());
        m.put("description", spec.description());
        m.put("behavior", verdict.behavior());
        m.put("behaviorClose", verdict.behaviorClose());
        m.put("result", verdict.result());
        m.put("resultClose", verdict.resultClose());
        Map<String, Object> expected = new LinkedHashMap<>();
        spec.expected().forEach((k, v) -> expected.put(k, events(v)));
        m.put("expected", expected);
        m.put("check", spec.check() == null ? null : spec.check().toString());
        Map<String, Object> close = new LinkedHashMap<>();
        close.put("closedByMe", spec.close().closedByMe());
        close.put("closeCode", spec.close().codes());
        close.put("requireClean", spec.close().requireClean());
        close.put("closedByWrongEndpointIsFatal", spec.close().wrongEndpointFatal());
        m.put("expectedClose", close);
        m.put("received", events(o.received));
        m.put("started", o.started.toString());
        m.put("duration", o.durationMillis);
        m.put("closedByMe", o.closedByMe);
        m.put("failedByMe", o.failedByMe);
        m.put("droppedByMe", o.droppedByMe);
        m.put("wasClean", o.wasClean);
        m.put("wasNotCleanReason", o.wasNotCleanReason);
        m.put("wasServerConnectionDropTimeout", o.wasServerConnectionDropTimeout);
        m.put("wasOpenHandshakeTimeout", o.openHandshakeTimeout);
        m.put("wasCloseHandshakeTimeout", o.wasCloseHandshakeTimeout);
        m.put("localCloseCode", o.localCloseCode);
        m.put("localCloseReason", o.localCloseReason);
        m.put("remoteCloseCode", o.remoteCloseCode);
        m.put("remoteCloseReason", o.remoteCloseReason);
        m.put("framesSent", o.framesSent);
        m.put("octetsSent", o.octetsSent);
        if (o.traffic != null) {
            m.put("trafficStats", o.traffic.report());
        }
        m.put("httpRequest", o.httpRequest);
        m.put("httpResponse", o.httpResponse);
        if (o.log != null) {
            m.put("log", o.log);
        }
        return m;
    }

    private static List<Object> events(List<Event> events) {
        List<Object> out = new ArrayList<>();
        for (Event e : events) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", e.kindName());
            if (e.kind() == Event.Kind.MESSAGE) {
                m.put("binary", e.binary());
            }
            m.put("length", e.payload().length);
            m.put("payload", e.preview());
            out.add(m);
        }
        return out;
    }
}
