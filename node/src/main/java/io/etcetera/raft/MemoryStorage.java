package io.etcetera.raft;

import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;
import com.google.protobuf.ByteString;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Storage} held in memory: the server's in-memory view of what it persisted (it appends
 * each Ready's entries here after writing them to the WAL), and the whole storage in tests.
 *
 * <p>The log is a list whose element 0 is a dummy entry carrying the snapshot's index and term,
 * so the term just below the first index stays known. Invariants: indexes in the list are
 * consecutive; the dummy's index is the snapshot's index once a snapshot was applied or created.
 * Confined to the raft thread: the server must run {@link #createSnapshot} and {@link #compact}
 * there too (the engine takes no locks).
 */
public final class MemoryStorage implements Storage {

    private HardState hardState = HardState.getDefaultInstance();
    private Snapshot snapshot = Snapshot.getDefaultInstance();
    /** Element 0 is the dummy entry at the snapshot's index; real entries follow. */
    private final ArrayList<Entry> log = new ArrayList<>();

    public MemoryStorage() {
        log.add(Entry.getDefaultInstance());
    }

    @Override
    public InitialState initialState() {
        return new InitialState(hardState, snapshot.getMetadata().getConfState());
    }

    /** Records the hard state the caller persisted. */
    public void setHardState(HardState state) {
        this.hardState = state;
    }

    @Override
    public List<Entry> entries(long lo, long hi, long bytesMax) {
        Invariants.check(lo <= hi, "entries lo(%d) > hi(%d)", lo, hi);
        long offset = offset();
        if (lo <= offset) {
            throw new LogCompactedException(lo, offset + 1);
        }
        if (hi > lastIndex() + 1 || log.size() == 1) {
            throw new LogUnavailableException(hi - 1, lastIndex());
        }
        List<Entry> range = log.subList((int) (lo - offset), (int) (hi - offset));
        return List.copyOf(range.subList(0, EntryBytes.prefixWithin(range, bytesMax)));
    }

    @Override
    public long term(long index) {
        long offset = offset();
        if (index < offset) {
            throw new LogCompactedException(index, offset + 1);
        }
        if (index > lastIndex()) {
            throw new LogUnavailableException(index, lastIndex());
        }
        return log.get((int) (index - offset)).getTerm();
    }

    @Override
    public long firstIndex() {
        return offset() + 1;
    }

    @Override
    public long lastIndex() {
        return offset() + log.size() - 1;
    }

    @Override
    public Snapshot snapshot() {
        return snapshot;
    }

    /**
     * Replaces the whole log with {@code newSnapshot} (a follower installing the leader's
     * snapshot): the log is empty afterwards, starting just above the snapshot.
     *
     * @throws SnapshotOutOfDateException if the storage's snapshot is not older
     */
    public void applySnapshot(Snapshot newSnapshot) {
        long currentIndex = snapshot.getMetadata().getIndex();
        long newIndex = newSnapshot.getMetadata().getIndex();
        if (newIndex <= currentIndex) {
            throw new SnapshotOutOfDateException(newIndex, currentIndex);
        }
        snapshot = newSnapshot;
        log.clear();
        log.add(Entry.newBuilder().setIndex(newIndex).setTerm(newSnapshot.getMetadata().getTerm())
                .build());
    }

    /**
     * Records a snapshot of the state machine as of {@code index} (which the caller has applied),
     * without compacting the log; {@link #compact} does that separately.
     *
     * @param confState the configuration as of {@code index}
     * @param data the state machine's snapshot, opaque to Raft
     * @return the snapshot now held
     * @throws SnapshotOutOfDateException if a snapshot at or above {@code index} exists
     * @throws LogUnavailableException if {@code index} is beyond the last index
     */
    public Snapshot createSnapshot(long index, ConfState confState, ByteString data) {
        long currentIndex = snapshot.getMetadata().getIndex();
        if (index <= currentIndex) {
            throw new SnapshotOutOfDateException(index, currentIndex);
        }
        if (index > lastIndex()) {
            throw new LogUnavailableException(index, lastIndex());
        }
        snapshot = Snapshot.newBuilder()
                .setData(data)
                .setMetadata(SnapshotMetadata.newBuilder()
                        .setIndex(index)
                        .setTerm(term(index))
                        .setConfState(confState))
                .build();
        return snapshot;
    }

    /**
     * Discards the entries below {@code compactIndex}; {@code compactIndex} itself becomes the
     * dummy entry, so the new first index is {@code compactIndex + 1}. The caller must not
     * compact beyond a snapshot it created, nor beyond {@link Status#applied}: after a restart
     * Raft hands out committed entries again (for their conf changes) from the snapshot on.
     *
     * @throws LogCompactedException if {@code compactIndex} is already compacted
     * @throws LogUnavailableException if {@code compactIndex} is beyond the last index
     */
    public void compact(long compactIndex) {
        long offset = offset();
        if (compactIndex <= offset) {
            throw new LogCompactedException(compactIndex, offset + 1);
        }
        if (compactIndex > lastIndex()) {
            throw new LogUnavailableException(compactIndex, lastIndex());
        }
        int keepFrom = (int) (compactIndex - offset);
        Entry dummy = Entry.newBuilder().setIndex(compactIndex)
                .setTerm(log.get(keepFrom).getTerm()).build();
        log.subList(0, keepFrom).clear();
        log.set(0, dummy);
    }

    /**
     * Appends {@code entries}, which must continue the log or overwrite part of it: entries at
     * existing indexes replace those entries and everything after them. Entries already
     * compacted are skipped.
     *
     * @throws LogUnavailableException if {@code entries} would leave a gap after the last index
     */
    public void append(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long first = firstIndex();
        long start = entries.get(0).getIndex();
        long last = start + entries.size() - 1;
        if (last < first) {
            return;
        }
        List<Entry> fresh = start < first ? entries.subList((int) (first - start), entries.size())
                : entries;
        long freshStart = fresh.get(0).getIndex();
        if (freshStart > lastIndex() + 1) {
            throw new LogUnavailableException(freshStart - 1, lastIndex());
        }
        int at = (int) (freshStart - offset());
        if (at < log.size()) {
            log.subList(at, log.size()).clear();
        }
        log.addAll(fresh);
    }

    /** The dummy entry's index: the snapshot's index, or the last compacted index. */
    private long offset() {
        return log.get(0).getIndex();
    }
}
