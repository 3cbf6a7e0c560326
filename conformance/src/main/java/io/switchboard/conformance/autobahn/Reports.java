package io.switchboard.conformance.autobahn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes a run's reports into a directory: {@code index.json} (agent to case id to behavior,
 * behaviorClose, duration in ms, remoteCloseCode, reportfile; agents and ids sorted), one JSON file
 * per case and agent with the events received and expected and the close state, and
 * {@code index.html}, a case-by-agent matrix with coloured cells that links to the case files.
 */
public final class Reports {
    private Reports() {
    }

    /** Writes all reports for {@code results} (any number of agents) into {@code dir}, creating it. */
    public static void write(Path dir, List<CaseResult> results) {
        try {
            Files.createDirectories(dir);
            Map<String, Map<String, Object>> index = new TreeMap<>();
            for (CaseResult r : results) {
                Map<String, Object> byCase = index.computeIfAbsent(r.agent(), a -> new TreeMap<>(CaseIds.ORDER));
                byCase.put(r.spec().id(), r.indexEntry());
                Files.writeString(dir.resolve(r.reportFile()), Json.write(r.report()), StandardCharsets.UTF_8);
            }
            Files.writeString(dir.resolve("index.json"), Json.write(index), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("index.html"), html(results), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write reports to " + dir, e);
        }
    }

    /** Counts of behaviors per agent, e.g. {@code {direct={OK=200, NON-STRICT=4}}}. */
    public static Map<String, Map<String, Integer>> summary(List<CaseResult> results) {
        Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
        for (CaseResult r : results) {
            out.computeIfAbsent(r.agent(), a -> new TreeMap<>()).merge(r.verdict().behavior(), 1, Integer::sum);
        }
        return out;
    }

    private static String html(List<CaseResult> results) {
        List<String> agents = new ArrayList<>(new java.util.LinkedHashSet<>(results.stream().map(CaseResult::agent).toList()));
        TreeSet<String> ids = new TreeSet<>(CaseIds.ORDER);
        Map<String, CaseResult> cell = new LinkedHashMap<>();
        Map<String, CaseSpec> specs = new LinkedHashMap<>();
        for (CaseResult r : results) {
            ids.add(r.spec().id());
            specs.put(r.spec().id(), r.spec());
            cell.put(r.agent() + "\u0000" + r.spec().id(), r);
        }
        StringBuilder h = new StringBuilder();
        h.append("""
                <!DOCTYPE html>
                <html><head><meta charset="utf-8"><title>Switchboard WebSocket conformance</title>
                <style>
                body{font-family:sans-serif;font-size:13px;margin:1.5em}
                table{border-collapse:collapse} td,th{border:1px solid #bbb;padding:2px 6px;text-align:left}
                .OK{background:#7c7}.NON-STRICT{background:#cc6}.INFORMATIONAL{background:#9bd}
                .UNIMPLEMENTED{background:#ccc}.FAILED{background:#e55;color:#fff}.MISSING{background:#fff}
                .c-OK{color:#181}.c-WRONG_CODE{color:#a80}.c-UNCLEAN,.c-FAILED{color:#c00;font-weight:bold}
                .c-FAILED_BY_CLIENT{color:#960}.c-INFORMATIONAL{color:#36a}
                a{color:inherit} .sec td{background:#eee;font-weight:bold}
                </style></head><body>
                <h1>WebSocket conformance report</h1>
                <p>Each cell: behavior (links to the case report), duration, for compression cases the
                [in/out] compression ratios (payload bytes per message byte), and the server's close code coloured by the close verdict.
                A run fails only on FAILED behavior; OK, NON-STRICT, INFORMATIONAL and UNIMPLEMENTED pass.</p>
                """);
        h.append("<table><tr><th>Agent</th><th>Summary</th></tr>");
        summary(results).forEach((a, counts) -> h.append("<tr><td>").append(esc(a)).append("</td><td>")
                .append(esc(counts.toString())).append("</td></tr>"));
        h.append("</table><br><table><tr><th>Case</th>");
        for (String a : agents) {
            h.append("<th>").append(esc(a)).append("</th>");
        }
        h.append("<th>Description</th></tr>\n");
        String section = "";
        for (String id : ids) {
            String sec = CaseIds.section(id);
            if (!sec.equals(section)) {
                section = sec;
                h.append("<tr class=\"sec\"><td colspan=\"").append(agents.size() + 2).append("\">Section ").append(sec).append("</td></tr>\n");
            }
            h.append("<tr><td>").append(id).append("</td>");
            for (String a : agents) {
                CaseResult r = cell.get(a + "\u0000" + id);
                if (r == null) {
                    h.append("<td class=\"MISSING\">missing</td>");
                    continue;
                }
                String b = r.verdict().behavior();
                String c = r.verdict().behaviorClose();
                Integer code = r.outcome().remoteCloseCode;
                h.append("<td class=\"").append(b).append("\" title=\"").append(esc(r.verdict().result())).append("\">")
                        .append("<a href=\"").append(r.reportFile()).append("\">").append(b).append("</a> ")
                        .append(r.outcome().durationMillis).append(" ms ")
                        .append(r.outcome().traffic == null ? "" : "<span title=\"compression ratio in/out\">"
                                + r.outcome().traffic.cellText() + "</span> ")
                        .append("<span class=\"c-").append(c.replace(' ', '_'))
                        .append("\" title=\"").append(esc(c + ": " + r.verdict().resultClose())).append("\">[")
                        .append(code == null ? "-" : code).append("]</span></td>");
            }
            h.append("<td>").append(esc(specs.get(id).description())).append("</td></tr>\n");
        }
        return h.append("</table></body></html>\n").toString();
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
