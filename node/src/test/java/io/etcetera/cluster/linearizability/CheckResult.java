package io.etcetera.cluster.linearizability;

import java.util.List;
import java.util.stream.Collectors;

/** The checker's verdict on a whole history: one {@link KeyResult} per key. Immutable. */
public record CheckResult(List<KeyResult> keys, int operationCount) {

    public CheckResult {
        keys = List.copyOf(keys);
    }

    /** VIOLATION if any key has one, else UNKNOWN if any key gave up, else LINEARIZABLE. */
    public Verdict verdict() {
        if (keys.stream().anyMatch(key -> key.verdict() == Verdict.VIOLATION)) {
            return Verdict.VIOLATION;
        }
        if (keys.stream().anyMatch(key -> key.verdict() == Verdict.UNKNOWN)) {
            return Verdict.UNKNOWN;
        }
        return Verdict.LINEARIZABLE;
    }

    /** Keys whose operations are not linearizable. */
    public List<KeyResult> violations() {
        return keys.stream().filter(key -> key.verdict() == Verdict.VIOLATION).toList();
    }

    /** The verdict, then one line per key. */
    public String describe() {
        return verdict() + ": " + operationCount + " operations on " + keys.size() + " keys\n"
                + keys.stream()
                        .map(key -> "  " + key.key() + ": " + key.verdict() + ", "
                                + key.operationCount() + " operations, " + key.steps()
                                + " steps: " + key.explanation())
                        .collect(Collectors.joining("\n"));
    }
}
