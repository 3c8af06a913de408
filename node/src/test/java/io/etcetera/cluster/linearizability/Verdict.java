package io.etcetera.cluster.linearizability;

/** What the checker concluded about a history, or about the operations on one key. */
public enum Verdict {
    /** Some order of the operations, consistent with real time, explains every answer. */
    LINEARIZABLE,
    /** No such order exists: the store broke linearizability. */
    VIOLATION,
    /** The search ran out of its budget before it could tell. */
    UNKNOWN
}
