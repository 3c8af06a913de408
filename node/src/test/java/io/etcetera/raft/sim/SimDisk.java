package io.etcetera.raft.sim;

import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What one node has written to its disk, as its write-ahead log and snapshot files would hold it:
 * a snapshot, the entries after it, and the last hard state.
 *
 * <p>Writes first land in a volatile buffer (the page cache) in the order the node makes them;
 * {@link #sync} makes them durable. A {@link #crash} keeps a random prefix of the unsynced writes
 * and loses the rest: the log is appended sequentially, so what survives is a prefix, and a torn
 * record at its end is cut off when the log is opened (each entry is its own record). Replay
 * rules: an entry overwrites the entries at and after its index (a new leader's log wins); a
 * snapshot received from a leader replaces the whole log, one the node made itself only the
 * entries it covers; a leader's snapshot that the surviving hard state does not commit is
 * ignored with everything after it.
 *
 * <p>Invariants, checked on every write that becomes durable: entries leave no gap; the durable
 * term and commit never go back. Confined to the simulation's single thread.
 */
final class SimDisk {

    /** One record written to the log. */
    private sealed interface Write permits EntryWrite, HardStateWrite, SnapshotWrite {}

    private record EntryWrite(Entry entry) implements Write {}

    private record HardStateWrite(HardState hardState) implements Write {}

    /** @param replacesLog a leader's snapshot (true) or the node's own compaction (false) */
    private record SnapshotWrite(Snapshot snapshot, boolean replacesLog) implements Write {}

    /** What a restarted node reads back. */
    record Recovered(Snapshot snapshot, List<Entry> entries, HardState hardState) {

        boolean isEmpty() {
            return snapshot.getMetadata().getIndex() == 0 && entries.isEmpty()
                    && hardState.equals(HardState.getDefaultInstance());
        }
    }

    private final long node;
    private Snapshot snapshot = Snapshot.getDefaultInstance();
    /** Durable entries, from the snapshot's index + 1 on. */
    private final ArrayList<Entry> entries = new ArrayList<>();
    private HardState hardState = HardState.getDefaultInstance();
    private final List<Write> unsynced = new ArrayList<>();

    SimDisk(long node) {
        this.node = node;
    }

    void writeSnapshot(Snapshot received) {
        unsynced.add(new SnapshotWrite(received, true));
    }

    void writeEntries(List<Entry> written) {
        for (Entry entry : written) {
            unsynced.add(new EntryWrite(entry));
        }
    }

    void writeHardState(HardState state) {
        unsynced.add(new HardStateWrite(state));
    }

    /** Makes every write so far durable (fsync). */
    void sync() {
        for (Write write : unsynced) {
            makeDurable(write);
        }
        unsynced.clear();
    }

    /**
     * Saves a snapshot the node made of its own state machine, and syncs (a snapshot file is
     * written and synced before the log may drop what it covers).
     */
    void saveOwnSnapshot(Snapshot own) {
        unsynced.add(new SnapshotWrite(own, false));
        sync();
    }

    /**
     * Power loss: a random prefix of the unsynced writes survives, the rest is gone.
     *
     * @return how many writes were lost
     */
    int crash(SplittableRandom random) {
        int kept = withoutUncommittedSnapshot(random.nextInt(unsynced.size() + 1));
        for (int i = 0; i < kept; i++) {
            makeDurable(unsynced.get(i));
        }
        int lost = unsynced.size() - kept;
        unsynced.clear();
        return lost;
    }

    /**
     * The surviving prefix of {@code kept} unsynced writes, cut before a leader's snapshot whose
     * hard state (which commits at least up to it) did not survive: a restart ignores a snapshot
     * the log has not committed, and what was written after it (etcd picks the newest snapshot
     * at or below the log's commit index). The Ready that carried it was not acknowledged.
     */
    private int withoutUncommittedSnapshot(int kept) {
        long commit = hardState.getCommit();
        for (int i = 0; i < kept; i++) {
            if (unsynced.get(i) instanceof HardStateWrite state) {
                commit = Math.max(commit, state.hardState().getCommit());
            }
        }
        for (int i = 0; i < kept; i++) {
            if (unsynced.get(i) instanceof SnapshotWrite write && write.replacesLog()
                    && write.snapshot().getMetadata().getIndex() > commit) {
                return i;
            }
        }
        return kept;
    }

    Recovered recover() {
        Invariants.check(unsynced.isEmpty(), "node %d recovers with %d unsynced writes", node,
                unsynced.size());
        return new Recovered(snapshot, List.copyOf(entries), hardState);
    }

    boolean hasUnsynced() {
        return !unsynced.isEmpty();
    }

    HardState durableHardState() {
        return hardState;
    }

    long durableSnapshotIndex() {
        return snapshot.getMetadata().getIndex();
    }

    private void makeDurable(Write write) {
        if (write instanceof EntryWrite entryWrite) {
            appendDurable(entryWrite.entry());
        } else if (write instanceof SnapshotWrite snapshotWrite) {
            installDurable(snapshotWrite);
        } else {
            HardState next = ((HardStateWrite) write).hardState();
            if (next.getTerm() < hardState.getTerm() || next.getCommit() < hardState.getCommit()) {
                throw new AssertionError("node " + node + ": durable hard state goes back from "
                        + describe(hardState) + " to " + describe(next));
            }
            hardState = next;
        }
    }

    private void appendDurable(Entry entry) {
        long first = firstIndex();
        long index = entry.getIndex();
        if (index < first) {
            return;
        }
        Invariants.check(index <= first + entries.size(), "node %d writes entry %d after a gap "
                + "(durable log ends at %d)", node, index, first + entries.size() - 1);
        entries.subList((int) (index - first), entries.size()).clear();
        entries.add(entry);
    }

    private void installDurable(SnapshotWrite write) {
        long index = write.snapshot().getMetadata().getIndex();
        Invariants.check(index > durableSnapshotIndex(), "node %d writes snapshot %d over %d",
                node, index, durableSnapshotIndex());
        long coveredCount = Math.min(entries.size(), index - durableSnapshotIndex());
        if (write.replacesLog()) {
            entries.clear();
        } else {
            entries.subList(0, (int) coveredCount).clear();
        }
        snapshot = write.snapshot();
    }

    private long firstIndex() {
        return durableSnapshotIndex() + 1;
    }

    static String describe(HardState state) {
        return "term=" + state.getTerm() + " vote=" + state.getVote() + " commit="
                + state.getCommit();
    }
}
