package io.etcetera.raft;

import io.etcetera.invariants.Invariants;
import io.etcetera.invariants.Verify;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Snapshot;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of the log not yet persisted: entries (and possibly a snapshot) that the engine has
 * accepted but the caller has not yet confirmed as written to {@link Storage}.
 *
 * <p>Entries occupy {@code [offset, offset + entries.size())}. Those below
 * {@code offsetInProgress} were handed out in a {@link Ready} and are being written; the rest are
 * new. A snapshot, when present, lies just below {@code offset} and replaces everything before it.
 * Invariants: {@code offset <= offsetInProgress <= offset + entries.size()}; entry indexes are
 * consecutive from {@code offset}; with a snapshot, {@code offset == snapshot index + 1}.
 * Confined to the raft thread.
 *
 * <p>Worked example: storage holds 1..5, the leader sends 6..8 (offset 6, in progress 6); a
 * Ready hands out 6..8 (in progress 9); the leader then overwrites from 7 (entries 6, 7', in
 * progress 7, so 7' is handed out next); the caller confirms 6 stable (offset 7).
 */
final class UnstableLog {

    /** Marks an unknown term: the index is not in the unstable log. */
    static final long NO_TERM = -1;

    /** The incoming snapshot, or null. */
    private Snapshot snapshot;
    private boolean snapshotInProgress;
    private final ArrayList<Entry> entries = new ArrayList<>();
    /** Index of entries[0]. */
    private long offset;
    /** First index not yet handed out for persisting. */
    private long offsetInProgress;

    UnstableLog(long offset) {
        this.offset = offset;
        this.offsetInProgress = offset;
    }

    /** The first index if a snapshot is pending (its index + 1), else 0 (ask the storage). */
    long maybeFirstIndex() {
        return snapshot != null ? snapshot.getMetadata().getIndex() + 1 : 0;
    }

    /** The last index if this log holds entries or a snapshot, else 0 (ask the storage). */
    long maybeLastIndex() {
        if (!entries.isEmpty()) {
            return offset + entries.size() - 1;
        }
        return snapshot != null ? snapshot.getMetadata().getIndex() : 0;
    }

    /** The term at {@code index} if this log knows it, else {@link #NO_TERM}. */
    long maybeTerm(long index) {
        if (index < offset) {
            if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
                return snapshot.getMetadata().getTerm();
            }
            return NO_TERM;
        }
        if (index >= offset + entries.size()) {
            return NO_TERM;
        }
        return entries.get((int) (index - offset)).getTerm();
    }

    long offset() {
        return offset;
    }

    /** The pending snapshot, or null. */
    Snapshot snapshot() {
        return snapshot;
    }

    boolean hasEntries() {
        return !entries.isEmpty();
    }

    /** Entries not yet handed out for persisting; a copy. */
    List<Entry> nextEntries() {
        int inProgress = (int) (offsetInProgress - offset);
        return List.copyOf(entries.subList(inProgress, entries.size()));
    }

    boolean hasNextEntries() {
        return offsetInProgress < offset + entries.size();
    }

    /** The snapshot if it was not handed out yet, else null. */
    Snapshot nextSnapshot() {
        return snapshotInProgress ? null : snapshot;
    }

    /** Everything currently here was handed out in a Ready and is being persisted. */
    void acceptInProgress() {
        offsetInProgress = offset + entries.size();
        if (snapshot != null) {
            snapshotInProgress = true;
        }
    }

    /**
     * The entries up to {@code index} with {@code term} are persisted: drop them. Ignored when the
     * entry was overwritten meanwhile (its term differs) or is not here.
     */
    void stableTo(long index, long term) {
        long ourTerm = maybeTerm(index);
        if (ourTerm == NO_TERM || index < offset || ourTerm != term) {
            return;
        }
        int stableCount = (int) (index + 1 - offset);
        entries.subList(0, stableCount).clear();
        offset = index + 1;
        offsetInProgress = Math.max(offsetInProgress, offset);
        checkInvariants();
    }

    /** The snapshot at {@code index} is persisted: drop it. */
    void stableSnapTo(long index) {
        if (snapshot != null && snapshot.getMetadata().getIndex() == index) {
            snapshot = null;
            snapshotInProgress = false;
        }
    }

    /** Replaces everything with {@code incoming}: the log now continues right after it. */
    void restore(Snapshot incoming) {
        offset = incoming.getMetadata().getIndex() + 1;
        offsetInProgress = offset;
        entries.clear();
        snapshot = incoming;
        snapshotInProgress = false;
    }

    /**
     * Appends {@code newEntries} (consecutive, non-empty), first dropping any entries at or after
     * their first index: a new leader's entries overwrite a conflicting tail.
     */
    void truncateAndAppend(List<Entry> newEntries) {
        long from = newEntries.get(0).getIndex();
        long end = offset + entries.size();
        if (from == end) {
            entries.addAll(newEntries);
        } else if (from <= offset) {
            // Replaces everything here; the storage below `from` is still valid.
            entries.clear();
            entries.addAll(newEntries);
            offset = from;
            offsetInProgress = offset;
        } else {
            Invariants.check(from < end, "append at %d leaves a gap after %d", from, end - 1);
            entries.subList((int) (from - offset), entries.size()).clear();
            entries.addAll(newEntries);
            offsetInProgress = Math.min(offsetInProgress, from);
        }
        checkInvariants();
    }

    /** The entries in {@code [lo, hi)}, which must all be here; a copy. */
    List<Entry> slice(long lo, long hi) {
        Invariants.check(lo <= hi, "unstable slice lo(%d) > hi(%d)", lo, hi);
        Invariants.check(lo >= offset, "unstable slice from %d below offset %d", lo, offset);
        Invariants.check(hi <= offset + entries.size(), "unstable slice to %d beyond end %d", hi,
                offset + entries.size());
        return List.copyOf(entries.subList((int) (lo - offset), (int) (hi - offset)));
    }

    private void checkInvariants() {
        Invariants.check(offset <= offsetInProgress, "unstable offsetInProgress %d below offset %d",
                offsetInProgress, offset);
        Invariants.check(offsetInProgress <= offset + entries.size(),
                "unstable offsetInProgress %d beyond end %d", offsetInProgress,
                offset + entries.size());
        if (Verify.enabled()) {
            for (int i = 0; i < entries.size(); i++) {
                Invariants.check(entries.get(i).getIndex() == offset + i,
                        "unstable entry at position %d has index %d", i, entries.get(i).getIndex());
            }
        }
    }
}
