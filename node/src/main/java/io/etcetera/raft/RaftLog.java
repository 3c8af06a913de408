package io.etcetera.raft;

import io.etcetera.invariants.Invariants;
import io.etcetera.invariants.Verify;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Snapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A node's whole log as the engine sees it: the persisted part in {@link Storage} followed by the
 * {@link UnstableLog}, plus the commit and apply positions.
 *
 * <p>Invariants: {@code applied <= applying <= committed <= lastIndex()};
 * {@code firstIndex() - 1 <= committed}; committed never decreases (Raft: a committed entry is
 * never lost). Confined to the raft thread.
 */
final class RaftLog {

    /** Marks an unknown term: the index is compacted or beyond the last index. */
    static final long NO_TERM = UnstableLog.NO_TERM;

    private final Storage storage;
    private final UnstableLog unstable;
    /** Highest index known to be stored on a quorum (Raft §5.3 "commitIndex"). */
    private long committed;
    /** Highest index handed out for applying (in a Ready) and not yet acknowledged. */
    private long applying;
    /** Highest index the caller acknowledged as applied (Raft §5.3 "lastApplied"). */
    private long applied;
    /** Encoded bytes of committed entries handed out for applying at most. */
    private final long applyingBytesMax;
    /** Encoded bytes of entries handed out for applying and not yet acknowledged. */
    private long applyingBytes;
    /** Set when the apply batch limit is reached; no more committed entries until advance. */
    private boolean applyingPaused;

    RaftLog(Storage storage, long applyingBytesMax) {
        this.storage = storage;
        long firstIndex = storage.firstIndex();
        this.unstable = new UnstableLog(storage.lastIndex() + 1);
        this.applyingBytesMax = applyingBytesMax;
        this.committed = firstIndex - 1;
        this.applying = firstIndex - 1;
        this.applied = firstIndex - 1;
    }

    long committed() {
        return committed;
    }

    long applied() {
        return applied;
    }

    /**
     * The follower's side of AppendEntries (Raft §5.3): if the log holds {@code (prevIndex,
     * prevTerm)}, appends {@code entries} (dropping a conflicting tail) and commits up to
     * {@code min(leaderCommit, last new index)}.
     *
     * @return the index of the last new entry, or -1 when the log does not match at prevIndex
     */
    long maybeAppend(long prevIndex, long prevTerm, long leaderCommit, List<Entry> entries) {
        if (Verify.enabled()) {
            checkConsecutive(prevIndex, prevTerm, entries);
        }
        if (!matchTerm(prevIndex, prevTerm)) {
            return -1;
        }
        long lastNewIndex = prevIndex + entries.size();
        long conflictIndex = findConflict(entries);
        if (conflictIndex != 0) {
            Invariants.check(conflictIndex > committed,
                    "entry %d conflicts with committed entry (committed %d)", conflictIndex,
                    committed);
            int from = (int) (conflictIndex - (prevIndex + 1));
            append(entries.subList(from, entries.size()));
        }
        commitTo(Math.min(leaderCommit, lastNewIndex));
        return lastNewIndex;
    }

    /** An append's entries follow its previous entry: consecutive indexes, terms not falling. */
    private static void checkConsecutive(long prevIndex, long prevTerm, List<Entry> entries) {
        long index = prevIndex;
        long term = prevTerm;
        for (Entry entry : entries) {
            Invariants.check(entry.getIndex() == index + 1,
                    "append entry at index %d does not follow index %d", entry.getIndex(), index);
            Invariants.check(entry.getTerm() >= term,
                    "append entry of term %d follows one of term %d", entry.getTerm(), term);
            index = entry.getIndex();
            term = entry.getTerm();
        }
    }

    /** Appends consecutive entries after (or overwriting part of) the uncommitted tail. */
    long append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return lastIndex();
        }
        long after = entries.get(0).getIndex() - 1;
        Invariants.check(after >= committed, "append after %d overwrites committed %d", after,
                committed);
        unstable.truncateAndAppend(entries);
        checkInvariants();
        return lastIndex();
    }

    /**
     * The first index among {@code entries} whose term differs from ours or that we lack, or 0
     * when we hold all of them already. Raft §5.3: "If an existing entry conflicts with a new one
     * (same index but different terms), delete the existing entry and all that follow it".
     */
    long findConflict(List<Entry> entries) {
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (!matchTerm(entry.getIndex(), entry.getTerm())) {
                return entry.getIndex();
            }
        }
        return 0;
    }

    /**
     * The largest index at or below {@code index} whose term is at most {@code term} (or whose
     * term is unknown), or 0. Since terms only grow along a log, every index above the result
     * has a larger term and cannot match an entry of term {@code term} or lower: the fast
     * back-off of rejected appends (etcd's findConflictByTerm).
     */
    long findConflictByTerm(long index, long term) {
        for (; index > 0; index--) {
            long ourTerm = term(index);
            if (ourTerm == NO_TERM || ourTerm <= term) {
                return index;
            }
        }
        return 0;
    }

    List<Entry> nextUnstableEntries() {
        return unstable.nextEntries();
    }

    boolean hasNextUnstableEntries() {
        return unstable.hasNextEntries();
    }

    /** Whether any entries await persisting, handed out or not. */
    boolean hasUnstableEntries() {
        return unstable.hasEntries();
    }

    /**
     * Committed entries not yet handed out for applying, up to the apply byte budget. None while
     * a snapshot is pending: it must be applied first.
     */
    List<Entry> nextCommittedEntries() {
        if (!hasNextCommittedEntries()) {
            return List.of();
        }
        long bytesMax = applyingBytesMax - applyingBytes;
        Invariants.check(bytesMax > 0, "apply budget exhausted (%d of %d)", applyingBytes,
                applyingBytesMax);
        return slice(applying + 1, committed + 1, bytesMax);
    }

    boolean hasNextCommittedEntries() {
        return !applyingPaused && unstable.snapshot() == null && applying < committed;
    }

    /** The snapshot to hand out for persisting, or null. */
    Snapshot nextUnstableSnapshot() {
        return unstable.nextSnapshot();
    }

    /** Whether a received snapshot is pending (handed out or not). */
    boolean hasPendingSnapshot() {
        return unstable.snapshot() != null;
    }

    /** The latest snapshot: a pending one, else the storage's. */
    Snapshot snapshot() {
        Snapshot pending = unstable.snapshot();
        return pending != null ? pending : storage.snapshot();
    }

    long firstIndex() {
        long index = unstable.maybeFirstIndex();
        return index != 0 ? index : storage.firstIndex();
    }

    long lastIndex() {
        long index = unstable.maybeLastIndex();
        return index != 0 ? index : storage.lastIndex();
    }

    long lastTerm() {
        long term = term(lastIndex());
        Invariants.check(term != NO_TERM, "term of last index %d unknown", lastIndex());
        return term;
    }

    /** Raises the commit index to {@code index} (never lowers it). */
    void commitTo(long index) {
        if (committed < index) {
            Invariants.check(index <= lastIndex(), "commit %d is out of range [lastIndex %d]. Was "
                    + "the raft log corrupted, truncated, or lost?", index, lastIndex());
            committed = index;
            checkInvariants();
        }
    }

    /** The caller applied everything up to {@code index}, worth {@code bytes} of apply budget. */
    void appliedTo(long index, long bytes) {
        Invariants.check(applied <= index, "applied %d below previously applied %d", index,
                applied);
        Invariants.check(index <= committed, "applied %d beyond committed %d", index, committed);
        applied = index;
        applying = Math.max(applying, index);
        applyingBytes = Math.max(0, applyingBytes - bytes);
        applyingPaused = applyingBytes >= applyingBytesMax;
        checkInvariants();
    }

    /** Entries up to {@code index}, worth {@code bytes}, were handed out for applying. */
    void acceptApplying(long index, long bytes) {
        Invariants.check(index > applying, "applying %d not above applying %d", index, applying);
        Invariants.check(index <= committed, "applying %d beyond committed %d", index, committed);
        applying = index;
        applyingBytes += bytes;
        // Pause when the budget is spent, or when the budget cut this batch short: the rest
        // follows after advance().
        applyingPaused = applyingBytes >= applyingBytesMax || index < committed;
    }

    void stableTo(long index, long term) {
        unstable.stableTo(index, term);
    }

    void stableSnapTo(long index) {
        unstable.stableSnapTo(index);
    }

    /** Everything unstable was handed out in a Ready. */
    void acceptUnstable() {
        unstable.acceptInProgress();
    }

    /** The term at {@code index}, or {@link #NO_TERM} if compacted or beyond the last index. */
    long term(long index) {
        long term = unstable.maybeTerm(index);
        if (term != NO_TERM) {
            return term;
        }
        if (index + 1 < firstIndex() || index > lastIndex()) {
            return NO_TERM;
        }
        try {
            return storage.term(index);
        } catch (LogCompactedException | LogUnavailableException unknown) {
            return NO_TERM;
        }
    }

    /** As {@link #term}, with 0 for unknown (what etcd sends in hints). */
    long termOrZero(long index) {
        long term = term(index);
        return term == NO_TERM ? 0 : term;
    }

    /**
     * Entries from {@code index} to the end, up to {@code bytesMax} encoded bytes (at least one).
     *
     * @throws LogCompactedException if {@code index} was compacted
     */
    List<Entry> entriesFrom(long index, long bytesMax) {
        if (index > lastIndex()) {
            return List.of();
        }
        return slice(index, lastIndex() + 1, bytesMax);
    }

    /**
     * Raft §5.4.1: a candidate's log is at least as up-to-date as ours if its last term is
     * higher, or equal with a last index at least ours.
     */
    boolean isUpToDate(long lastIndex, long lastTerm) {
        long ourTerm = lastTerm();
        return lastTerm > ourTerm || (lastTerm == ourTerm && lastIndex >= lastIndex());
    }

    /** Whether our log holds an entry at {@code index} with {@code term}. */
    boolean matchTerm(long index, long term) {
        long ourTerm = term(index);
        return ourTerm != NO_TERM && ourTerm == term;
    }

    /**
     * Commits up to {@code index} if that entry has {@code term} (the leader's current term:
     * Raft §5.4.2, only entries of the current term are committed by counting replicas).
     */
    boolean maybeCommit(long index, long term) {
        if (term != 0 && index > committed && matchTerm(index, term)) {
            commitTo(index);
            return true;
        }
        return false;
    }

    /** Replaces the log with {@code snapshot}, which is committed by definition. */
    void restore(Snapshot snapshot) {
        long index = snapshot.getMetadata().getIndex();
        Invariants.check(index > committed, "snapshot %d not above committed %d", index,
                committed);
        committed = index;
        unstable.restore(snapshot);
        checkInvariants();
    }

    /**
     * Whether a committed but not yet applied entry changes the configuration; such a node must
     * not campaign, since it may not know its own configuration yet. Scans in pages bounded by
     * the apply budget.
     */
    boolean hasUnappliedConfChange() {
        long lo = applied + 1;
        long hi = committed + 1;
        while (lo < hi) {
            List<Entry> page = slice(lo, hi, applyingBytesMax);
            for (int i = 0; i < page.size(); i++) {
                EntryType type = page.get(i).getType();
                if (type == EntryType.ENTRY_CONF_CHANGE || type == EntryType.ENTRY_CONF_CHANGE_V2) {
                    return true;
                }
            }
            lo += page.size();
        }
        return false;
    }

    /**
     * Entries in {@code [lo, hi)} up to {@code bytesMax} encoded bytes (at least one), from the
     * storage and then the unstable log.
     *
     * @throws LogCompactedException if {@code lo} was compacted
     */
    List<Entry> slice(long lo, long hi, long bytesMax) {
        Invariants.check(lo <= hi, "slice lo(%d) > hi(%d)", lo, hi);
        long first = firstIndex();
        if (lo < first) {
            throw new LogCompactedException(lo, first);
        }
        Invariants.check(hi <= lastIndex() + 1, "slice hi(%d) beyond last index %d", hi,
                lastIndex());
        if (lo == hi) {
            return List.of();
        }
        long unstableFrom = unstable.offset();
        if (lo >= unstableFrom) {
            return limit(unstable.slice(lo, hi), bytesMax);
        }
        long cut = Math.min(hi, unstableFrom);
        List<Entry> stored = storage.entries(lo, cut, bytesMax);
        if (hi <= unstableFrom || stored.size() < cut - lo) {
            return stored;
        }
        long storedBytes = EntryBytes.encoded(stored);
        if (storedBytes >= bytesMax) {
            return stored;
        }
        List<Entry> fresh = limit(unstable.slice(unstableFrom, hi), bytesMax - storedBytes);
        if (fresh.size() == 1 && storedBytes + EntryBytes.encoded(fresh) > bytesMax) {
            // The "at least one entry" allowance is already used by the stored part.
            return stored;
        }
        List<Entry> combined = new ArrayList<>(stored.size() + fresh.size());
        combined.addAll(stored);
        combined.addAll(fresh);
        return Collections.unmodifiableList(combined);
    }

    /** The invariants of the class documentation; cheap (the storage knows its bounds). */
    private void checkInvariants() {
        Invariants.check(applied <= applying, "applied %d above applying %d", applied, applying);
        Invariants.check(applying <= committed, "applying %d above committed %d", applying,
                committed);
        Invariants.check(firstIndex() - 1 <= committed, "committed %d below first index - 1 (%d)",
                committed, firstIndex() - 1);
        Invariants.check(committed <= lastIndex(), "committed %d beyond last index %d", committed,
                lastIndex());
    }

    private static List<Entry> limit(List<Entry> entries, long bytesMax) {
        int count = EntryBytes.prefixWithin(entries, bytesMax);
        return count == entries.size() ? entries : entries.subList(0, count);
    }

    @Override
    public String toString() {
        return "committed=" + committed + ", applied=" + applied + ", applying=" + applying
                + ", unstable.offset=" + unstable.offset();
    }
}
