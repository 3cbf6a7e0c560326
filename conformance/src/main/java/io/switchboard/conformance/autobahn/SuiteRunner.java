package io.switchboard.conformance.autobahn;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs cases one after another (one fresh connection per case, as the reference suite does)
 * against one agent and judges each.
 */
public final class SuiteRunner {
    private SuiteRunner() {
    }

    /**
     * Runs {@code cases} against {@code url}, reporting each result to {@code progress} as it ends.
     *
     * @return the results, in case order
     */
    public static List<CaseResult> run(String agent, URI url, List<CaseSpec> cases, Consumer<CaseResult> progress) {
        List<CaseResult> out = new ArrayList<>();
        for (CaseSpec spec : cases) {
            Outcome o = Fuzzer.run(url, spec);
            CaseResult r = new CaseResult(agent, spec, o, Verdicts.judge(spec, o));
            out.add(r);
            progress.accept(r);
        }
        return out;
    }
}
