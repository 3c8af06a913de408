package io.etcetera.cluster.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a history of get / put / compare-and-set operations for linearizability. Every operation
 * touches one key and keys are independent registers, so the history is linearizable exactly when
 * each key's operations are (Herlihy and Wing's locality, the partitioning Porcupine does); each
 * key is searched on its own by {@link KeySearch}, after {@link ObservedWrites} has answered the
 * unknown writes that other operations saw.
 *
 * <p>The verdict is {@link Verdict#VIOLATION} if any key has one, else {@link Verdict#UNKNOWN} if
 * any key's search ran out of budget, else {@link Verdict#LINEARIZABLE}. Stateless.
 */
public final class LinearizabilityChecker {

    private LinearizabilityChecker() {}

    /** Checks {@code history} (operations of any keys, in any order) within {@code budget}. */
    public static CheckResult check(List<Operation> history, Budget budget) {
        Map<String, List<Operation>> byKey = new TreeMap<>();
        for (Operation operation : history) {
            byKey.computeIfAbsent(operation.key(), key -> new ArrayList<>()).add(operation);
        }
        long deadlineNanos = System.nanoTime() + budget.timeMax().toNanos();
        List<KeyResult> results = new ArrayList<>(byKey.size());
        for (Map.Entry<String, List<Operation>> key : byKey.entrySet()) {
            List<Operation> resolved = ObservedWrites.resolve(key.getValue());
            results.add(new KeySearch(key.getKey(), resolved, budget, deadlineNanos).run());
        }
        return new CheckResult(results, history.size());
    }
}
