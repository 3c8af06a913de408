package io.etcetera.cluster.linearizability;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Checks saved histories again, from the command line, after a build of the node module:
 *
 * <pre>
 * java -cp node/target/classes:node/target/test-classes \
 *     io.etcetera.cluster.linearizability.CheckHistory node/target/histories/&lt;file&gt;.jsonl
 * </pre>
 *
 * Prints the verdict of each file and exits with 0 if all are linearizable, 1 if any has a
 * violation, 3 if the search gave up on one (pass {@code -Dcheck.minutes=N} for more time).
 */
public final class CheckHistory {

    private CheckHistory() {}

    public static void main(String[] files) throws Exception {
        if (files.length == 0) {
            System.err.println("usage: CheckHistory <history.jsonl>...");
            System.exit(2);
        }
        Duration time = Duration.ofMinutes(Long.getLong("check.minutes", 10));
        Budget budget = new Budget(Long.MAX_VALUE, Budget.DEFAULT.exploredMax(), time);
        boolean violation = false;
        boolean unknown = false;
        for (String file : files) {
            CheckResult result = LinearizabilityChecker.check(HistoryFile.load(Path.of(file)),
                    budget);
            System.out.println(file + ": " + result.describe());
            violation |= result.verdict() == Verdict.VIOLATION;
            unknown |= result.verdict() == Verdict.UNKNOWN;
        }
        System.exit(violation ? 1 : unknown ? 3 : 0);
    }
}
