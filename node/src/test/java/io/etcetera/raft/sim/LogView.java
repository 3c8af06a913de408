package io.etcetera.raft.sim;

import io.etcetera.raft.pb.Entry;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's whole Raft log as the simulation has seen it handed out: the snapshot it starts
 * from and every entry since, whether already persisted or still being written. Right after a
 * {@code ready()} it equals the engine's own log (storage plus unstable part), because a Ready
 * hands out every unstable entry.
 *
 * <p>Invariant: entries are consecutive from {@code snapshotIndex + 1}. Confined to the
 * simulation's single thread.
 */
final class LogView {

    /** Marks an index this view does not cover. */
    static final long NO_TERM = -1;

    private long snapshotIndex;
    private long snapshotTerm;
    private final ArrayList<Entry> entries = new ArrayList<>();

    /** Starts over from a snapshot and the entries after it (a restart, or a fresh node). */
    void reset(long fromSnapshotIndex, long fromSnapshotTerm, List<Entry> following) {
        snapshotIndex = fromSnapshotIndex;
        snapshotTerm = fromSnapshotTerm;
        entries.clear();
        entries.addAll(following);
    }

    /**
     * Appends {@code appended} (consecutive), dropping what they overwrite; returns, per entry,
     * the term of the entry before it, for the log-matching check.
     */
    long[] append(List<Entry> appended) {
        long[] prevTerms = new long[appended.size()];
        for (int i = 0; i < appended.size(); i++) {
            Entry entry = appended.get(i);
            long index = entry.getIndex();
            if (index <= snapshotIndex) {
                throw new AssertionError("entry " + index + " appended below snapshot "
                        + snapshotIndex);
            }
            if (index > lastIndex() + 1) {
                throw new AssertionError("entry " + index + " appended after a gap (log ends at "
                        + lastIndex() + ")");
            }
            prevTerms[i] = term(index - 1);
            entries.subList((int) (index - snapshotIndex - 1), entries.size()).clear();
            entries.add(entry);
        }
        return prevTerms;
    }

    long snapshotIndex() {
        return snapshotIndex;
    }

    long lastIndex() {
        return snapshotIndex + entries.size();
    }

    /** The term at {@code index}, or {@link #NO_TERM} if it is below the snapshot or beyond. */
    long term(long index) {
        if (index == snapshotIndex) {
            return snapshotTerm;
        }
        Entry entry = entry(index);
        return entry == null ? NO_TERM : entry.getTerm();
    }

    /** The entry at {@code index}, or null if this view does not hold it. */
    Entry entry(long index) {
        if (index <= snapshotIndex || index > lastIndex()) {
            return null;
        }
        return entries.get((int) (index - snapshotIndex - 1));
    }

    /** Forgets the entries up to {@code index}, which the node compacted. */
    void compact(long index, long term) {
        if (index <= snapshotIndex) {
            return;
        }
        int covered = (int) Math.min(entries.size(), index - snapshotIndex);
        entries.subList(0, covered).clear();
        snapshotIndex = index;
        snapshotTerm = term;
    }
}
