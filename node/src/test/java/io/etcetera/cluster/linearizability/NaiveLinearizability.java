package io.etcetera.cluster.linearizability;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A deliberately naive oracle for small histories: tries every order of the operations that real
 * time allows, each pending operation placed somewhere or left out, with no memo and no
 * partitioning. Exponential; for a handful of operations only. Stateless.
 */
final class NaiveLinearizability {

    private NaiveLinearizability() {}

    static boolean isLinearizable(List<Operation> history) {
        List<String> keys = history.stream().map(Operation::key).distinct().toList();
        for (String key : keys) {
            List<Operation> ofKey = history.stream().filter(op -> op.key().equals(key)).toList();
            if (!extend(new ArrayList<>(ofKey), Register.ABSENT)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the operations {@code left} can follow in some order from {@code state}. */
    private static boolean extend(List<Operation> left, Register state) {
        if (left.stream().allMatch(Operation::isPending)) {
            return true;
        }
        for (Operation next : List.copyOf(left)) {
            boolean mayGoNext =
                    left.stream().noneMatch(other -> other.returnNanos() < next.callNanos());
            Optional<Register> after = state.step(next);
            if (mayGoNext && after.isPresent()) {
                left.remove(next);
                boolean found = extend(left, after.get());
                left.add(next);
                if (found) {
                    return true;
                }
            }
        }
        return false;
    }
}
