package io.etcetera.cluster.linearizability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Narrows writes whose outcome is unknown by what other operations saw, before the search: a write
 * of a value no other write of its key writes, which a read returned or a successful CAS expected,
 * certainly took effect, and before that observer returned. It becomes an answered write (a CAS
 * becomes {@code OK}: its compare held) that returned when its earliest observer did.
 *
 * <p>Why: an unknown write may otherwise take effect at any time after its call, or never, so each
 * one doubles the states the search must rule out before it can call a history broken. The
 * rewrite is exact: with unique values only that write can explain what its observer saw, so every
 * linearization of the history places it before the observer, and the linearizations of the two
 * histories are the same. Writes of shared values, and writes seen only by operations that
 * themselves may never have happened, stay unknown. A CAS that failed proves nothing about which
 * write came before it and observes nothing.
 *
 * <p>Stateless.
 */
final class ObservedWrites {

    private ObservedWrites() {}

    /** The operations of one key, each unknown write with an observer answered. */
    static List<Operation> resolve(List<Operation> ofKey) {
        Map<String, Integer> writersOf = new HashMap<>();
        Map<String, Long> firstSeenNanos = new HashMap<>();
        for (Operation op : ofKey) {
            if (op.kind() != Operation.Kind.GET) {
                writersOf.merge(op.value(), 1, Integer::sum);
            }
            String seen = seenValue(op);
            if (seen != null) {
                firstSeenNanos.merge(seen, op.returnNanos(), Math::min);
            }
        }
        List<Operation> resolved = new ArrayList<>(ofKey.size());
        for (Operation op : ofKey) {
            Long seenNanos = op.isPending() ? firstSeenNanos.get(op.value()) : null;
            boolean resolvable = seenNanos != null
                    && writersOf.get(op.value()) == 1
                    && seenNanos >= op.callNanos();
            resolved.add(resolvable ? op.withOutcomeSeen(seenNanos) : op);
        }
        return resolved;
    }

    /** The value {@code op} proves some write made, or null if it proves none. */
    private static String seenValue(Operation op) {
        if (op.kind() == Operation.Kind.GET) {
            return op.value();
        }
        boolean casThatHeld = op.kind() == Operation.Kind.CAS
                && op.outcome() == Operation.Outcome.OK;
        return casThatHeld ? op.expected() : null;
    }
}
