package io.switchboard.conformance.autobahn;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The comparison part of {@link PeersMain}: which cases an intermediary changes relative to the
 * backend alone, whether that reproduces, and a Markdown summary of verdict counts per agent.
 *
 * <p>A difference is a case whose {@code behavior} or {@code behaviorClose} through an agent is
 * not the one direct. Some cases race inside the backend itself (whether it echoes a valid
 * message that arrived in the same read as an invalid frame), so a single run's difference is not
 * proof; each is re-run as a pair (direct, then the agent) and the report says in how many of the
 * re-runs the pair still differed.
 */
public final class PeerDiffs {
    private static final List<String> BEHAVIORS = List.of(Verdicts.OK, Verdicts.NON_STRICT, Verdicts.INFORMATIONAL,
            Verdicts.UNIMPLEMENTED, Verdicts.FAILED);
    private static final List<String> CLOSES = List.of(Verdicts.OK, Verdicts.WRONG_CODE, Verdicts.UNCLEAN,
            Verdicts.FAILED_BY_CLIENT, Verdicts.FAILED, Verdicts.INFORMATIONAL);

    private PeerDiffs() {
    }

    /**
     * One case that came out differently through an agent than direct.
     *
     * @param agent      the intermediary
     * @param direct     the direct result of the main run
     * @param through    the agent's result of the main run
     * @param reproduced in how many re-run pairs the verdicts still differed
     * @param rechecks   how many re-run pairs there were
     */
    public record Difference(String agent, CaseResult direct, CaseResult through, int reproduced, int rechecks) {
        /** True when it showed in the main run and in every re-run. */
        public boolean always() {
            return reproduced == rechecks;
        }

        String line() {
            Verdicts.Verdict d = direct.verdict();
            Verdicts.Verdict t = through.verdict();
            return String.format("%-22s %-8s direct %s/%s [%s] -> %s/%s [%s]; reproduced %d/%d; %s%s", agent,
                    direct.spec().id(), d.behavior(), d.behaviorClose(), code(direct), t.behavior(), t.behaviorClose(),
                    code(through), reproduced, rechecks,
                    d.behavior().equals(t.behavior()) ? "" : t.result() + "; ", t.resultClose());
        }
    }

    /**
     * Compares every agent but {@code directAgent} with it, case by case, and re-runs each
     * difference {@code rechecks} times against the agents' URLs.
     */
    public static List<Difference> find(List<CaseResult> all, String directAgent, Map<String, URI> urls, int rechecks) {
        Map<String, CaseResult> direct = new LinkedHashMap<>();
        all.stream().filter(r -> r.agent().equals(directAgent)).forEach(r -> direct.put(r.spec().id(), r));
        List<Difference> out = new ArrayList<>();
        for (CaseResult r : all) {
            CaseResult d = direct.get(r.spec().id());
            if (r.agent().equals(directAgent) || d == null || !differs(d.verdict(), r.verdict())) {
                continue;
            }
            int reproduced = 0;
            for (int i = 0; i < rechecks; i++) {
                Verdicts.Verdict dv = Verdicts.judge(d.spec(), Fuzzer.run(urls.get(directAgent), d.spec()));
                Verdicts.Verdict tv = Verdicts.judge(r.spec(), Fuzzer.run(urls.get(r.agent()), r.spec()));
                if (differs(dv, tv)) {
                    reproduced++;
                }
            }
            out.add(new Difference(r.agent(), d, r, reproduced, rechecks));
        }
        return out;
    }

    static boolean differs(Verdicts.Verdict a, Verdicts.Verdict b) {
        return !a.behavior().equals(b.behavior()) || !a.behaviorClose().equals(b.behaviorClose());
    }

    /**
     * A Markdown table: per agent, the count of each behavior, then of each close verdict, then
     * the number of cases differing from direct (and how many of those reproduced every time).
     */
    public static String summaryTable(List<CaseResult> all, List<Difference> diffs) {
        Map<String, Map<String, Integer>> behavior = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> close = new LinkedHashMap<>();
        for (CaseResult r : all) {
            behavior.computeIfAbsent(r.agent(), a -> new TreeMap<>()).merge(r.verdict().behavior(), 1, Integer::sum);
            close.computeIfAbsent(r.agent(), a -> new TreeMap<>()).merge(r.verdict().behaviorClose(), 1, Integer::sum);
        }
        Set<String> bCols = new LinkedHashSet<>(BEHAVIORS); // all five, even at 0: tables of several runs line up
        bCols.addAll(columns(BEHAVIORS, behavior));
        Set<String> cCols = columns(CLOSES, close);
        StringBuilder h = new StringBuilder("| agent | cases |");
        StringBuilder sep = new StringBuilder("|---|---:|");
        bCols.forEach(c -> {
            h.append(' ').append(c).append(" |");
            sep.append("---:|");
        });
        cCols.forEach(c -> {
            h.append(" close ").append(c).append(" |");
            sep.append("---:|");
        });
        h.append(" differ from direct (every re-run) |\n");
        sep.append("---:|\n");
        h.append(sep);
        for (String agent : behavior.keySet()) {
            Map<String, Integer> b = behavior.get(agent);
            h.append("| ").append(agent).append(" | ").append(b.values().stream().mapToInt(Integer::intValue).sum()).append(" |");
            bCols.forEach(c -> h.append(' ').append(b.getOrDefault(c, 0)).append(" |"));
            cCols.forEach(c -> h.append(' ').append(close.get(agent).getOrDefault(c, 0)).append(" |"));
            List<Difference> mine = diffs.stream().filter(d -> d.agent().equals(agent)).toList();
            long always = mine.stream().filter(Difference::always).count();
            h.append(agent.equals("direct") ? " - |" : " " + mine.size() + " (" + always + ") |").append('\n');
        }
        return h.toString();
    }

    /** Prints the differences, grouped by agent, one line each. */
    public static void print(List<Difference> diffs) {
        if (diffs.isEmpty()) {
            System.out.println("no case differs from direct");
        }
        diffs.forEach(d -> System.out.println(d.line()));
    }

    /** Writes the same lines to {@code file}, next to the report, for later reading. */
    public static void write(Path file, List<Difference> diffs, int rechecks) throws IOException {
        StringBuilder b = new StringBuilder("# cases whose behavior/close verdict differs from direct: agent, case, direct"
                + " verdicts [remote close code] -> through the agent, in how many of " + rechecks
                + " re-run pairs it still differed, why\n");
        diffs.forEach(d -> b.append(d.line()).append('\n'));
        Files.writeString(file, b, StandardCharsets.UTF_8);
    }

    private static Set<String> columns(List<String> known, Map<String, Map<String, Integer>> counts) {
        Set<String> cols = new LinkedHashSet<>();
        for (String k : known) {
            if (counts.values().stream().anyMatch(m -> m.containsKey(k))) {
                cols.add(k);
            }
        }
        counts.values().forEach(m -> cols.addAll(m.keySet())); // any verdict name not foreseen above
        return cols;
    }

    private static String code(CaseResult r) {
        return Objects.toString(r.outcome().remoteCloseCode, "-");
    }
}
