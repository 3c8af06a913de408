package io.etcetera.cluster.linearizability;

import io.etcetera.invariants.Invariants;

import java.util.Objects;

/**
 * One client operation on one key as the client saw it: what it asked, what it was told, and when,
 * in nanoseconds of one monotonic clock shared by every client of a run ({@code System.nanoTime}
 * in one JVM). Immutable.
 *
 * <p>Kinds: {@link Kind#GET} read {@code value} (null: the key was absent); {@link Kind#PUT} wrote
 * {@code value}; {@link Kind#CAS} wrote {@code value} if the key held {@code expected} (null: if
 * the key was absent) and otherwise changed nothing, as an etcd txn with one compare does.
 *
 * <p>A write whose outcome the client never learnt (deadline exceeded, connection cut) is {@link
 * Outcome#UNKNOWN}: it may have taken effect at any time after its call, or never, so it has no
 * return time ({@code returnNanos == Long.MAX_VALUE}), after Porcupine. A read that did not
 * answer tells nothing and is left out of a history.
 *
 * <p>Invariants: UNKNOWN exactly when there is no return time; a GET is never UNKNOWN; only a CAS
 * can be FAILED or carry {@code expected}; {@code callNanos <= returnNanos}.
 */
public record Operation(
        int clientId,
        Kind kind,
        String key,
        String expected,
        String value,
        Outcome outcome,
        long callNanos,
        long returnNanos) {

    /** What the client asked for. */
    public enum Kind {
        GET,
        PUT,
        CAS
    }

    /** What the client was told: done, compare failed (CAS only), or nothing. */
    public enum Outcome {
        OK,
        FAILED,
        UNKNOWN
    }

    /** The return time of an operation whose outcome is unknown: it never returned. */
    public static final long NEVER = Long.MAX_VALUE;

    public Operation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(outcome, "outcome");
        Invariants.check(
                (outcome == Outcome.UNKNOWN) == (returnNanos == NEVER),
                "outcome %s with return time %s",
                outcome,
                returnNanos);
        Invariants.check(
                !(kind == Kind.GET && outcome == Outcome.UNKNOWN),
                "a read without an answer (key %s) belongs in no history",
                key);
        Invariants.check(
                kind == Kind.CAS || (outcome != Outcome.FAILED && expected == null),
                "only a CAS can fail or expect a value: %s %s expected %s",
                kind,
                outcome,
                expected);
        Invariants.check(
                kind == Kind.GET || value != null, "%s of %s writes no value", kind, key);
        Invariants.check(callNanos <= returnNanos, "call at %d after return at %d",
                callNanos, returnNanos);
    }

    /** A read that returned {@code value} (null: absent). */
    public static Operation get(int clientId, String key, String value, long callNanos,
            long returnNanos) {
        return new Operation(clientId, Kind.GET, key, null, value, Outcome.OK, callNanos,
                returnNanos);
    }

    /** A put that was acknowledged. */
    public static Operation put(int clientId, String key, String value, long callNanos,
            long returnNanos) {
        return new Operation(clientId, Kind.PUT, key, null, value, Outcome.OK, callNanos,
                returnNanos);
    }

    /** A compare-and-set that answered: {@code swapped} says whether the compare held. */
    public static Operation cas(int clientId, String key, String expected, String value,
            boolean swapped, long callNanos, long returnNanos) {
        return new Operation(clientId, Kind.CAS, key, expected, value,
                swapped ? Outcome.OK : Outcome.FAILED, callNanos, returnNanos);
    }

    /** This write with its outcome unknown: it may have happened any time after its call. */
    public Operation withUnknownOutcome() {
        return new Operation(clientId, kind, key, expected, value, Outcome.UNKNOWN, callNanos,
                NEVER);
    }

    /**
     * This unknown write as one known to have taken effect by {@code returnNanos} (a read saw its
     * value): see {@link ObservedWrites}.
     */
    Operation withOutcomeSeen(long seenNanos) {
        Invariants.check(isPending(), "%s is not unknown", describe());
        return new Operation(clientId, kind, key, expected, value, Outcome.OK, callNanos,
                seenNanos);
    }

    /** Whether the client never learnt the outcome. */
    public boolean isPending() {
        return outcome == Outcome.UNKNOWN;
    }

    /** One line for reports, e.g. {@code client 3 CAS k1 v2->v9 FAILED [120, 480]}. */
    public String describe() {
        String what =
                switch (kind) {
                    case GET -> "GET " + key + " = " + value;
                    case PUT -> "PUT " + key + " = " + value;
                    case CAS -> "CAS " + key + " " + expected + "->" + value;
                };
        String until = isPending() ? "never" : Long.toString(returnNanos);
        return "client " + clientId + " " + what + " " + outcome + " [" + callNanos + ", "
                + until + "]";
    }
}
