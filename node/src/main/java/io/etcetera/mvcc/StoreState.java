package io.etcetera.mvcc;

import io.etcetera.invariants.Invariants;

/**
 * What the store has applied, as of one committed apply batch.
 *
 * <p>Invariant: {@code -1 <= compactRevision <= revision} and {@code revision >= 1}. As in etcd, an
 * empty store is at revision 1 (the first write gets 2) and its compact revision is -1, "never
 * compacted" (so a compaction at 0 is accepted once, and HashKV reports -1). Immutable.
 *
 * @param appliedIndex the Raft index of the last entry applied (etcd's consistent index)
 * @param term the Raft term of that entry
 * @param revision the newest revision (etcd's current revision)
 * @param compactRevision the revision of the last compaction (-1: none): reads below it fail
 */
public record StoreState(long appliedIndex, long term, long revision, long compactRevision) {

    /** The state of an empty store. */
    static final StoreState EMPTY = new StoreState(0, 0, 1, -1);

    public StoreState {
        Invariants.check(revision >= 1, "revision(%d) < 1", revision);
        Invariants.check(
                compactRevision >= -1 && compactRevision <= revision,
                "compactRevision(%d) outside [-1, revision(%d)]",
                compactRevision,
                revision);
        Invariants.check(
                appliedIndex >= 0 && term >= 0,
                "appliedIndex(%d) or term(%d) < 0",
                appliedIndex,
                term);
    }
}
