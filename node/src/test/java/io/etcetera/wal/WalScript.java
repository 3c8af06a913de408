package io.etcetera.wal;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.SnapshotMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic stream of WAL operations drawn from a seed, shaped like a Raft member's: appends
 * at the current term with the commit index trailing, a new leader overwriting an uncommitted
 * suffix, hard-state-only changes, and snapshots of committed prefixes. The writer process and the
 * checkers regenerate the same stream from the same seed. Not thread-safe.
 */
final class WalScript {

    /** One call on the WAL. */
    sealed interface Op permits Save, Snap {}

    /** {@code wal.save(state, entries)}. */
    record Save(HardState state, List<Entry> entries) implements Op {}

    /** {@code wal.saveSnapshot(marker)} then {@code wal.releaseTo(marker.index)}. */
    record Snap(SnapshotMetadata marker) implements Op {}

    static final ConfState VOTERS = ConfState.newBuilder().addVoters(1).addVoters(2).addVoters(3)
            .build();
    private static final int DATA_BYTES_MAX = 1500;
    private static final int APPEND_ENTRIES_MAX = 8;
    private static final int OVERWRITE_ENTRIES_MAX = 4;

    private final SplittableRandom random;
    /** The log as the generated operations leave it; it decides what may come next. */
    private final LogModel model = new LogModel();
    private long term = 1;
    private long vote = 1;

    WalScript(long seed) {
        this.random = new SplittableRandom(seed);
    }

    Op next() {
        int roll = random.nextInt(100);
        long last = model.lastIndex();
        long commit = model.commit();
        Op op;
        if (roll < 8 && commit > model.lastMarkerIndex()) {
            long index = model.lastMarkerIndex() + 1
                    + random.nextLong(commit - model.lastMarkerIndex());
            op = new Snap(SnapshotMetadata.newBuilder().setIndex(index)
                    .setTerm(model.termAt(index)).setConfState(VOTERS).build());
        } else if (roll < 18 && last > commit) {
            term++;
            vote = 1 + random.nextInt(3);
            long from = commit + 1 + random.nextLong(last - commit);
            op = new Save(state(commit), entries(from, 1 + random.nextInt(OVERWRITE_ENTRIES_MAX)));
        } else if (roll < 26) {
            long newCommit = last > commit ? commit + 1 + random.nextLong(last - commit) : commit;
            if (newCommit == commit) {
                term++;
            }
            op = new Save(state(newCommit), List.of());
        } else {
            long newCommit = last > commit ? commit + random.nextLong(last - commit + 1) : commit;
            int count = 1 + random.nextInt(APPEND_ENTRIES_MAX);
            op = new Save(state(newCommit), entries(last + 1, count));
        }
        model.applyAll(op);
        return op;
    }

    private HardState state(long commit) {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
    }

    private List<Entry> entries(long from, int count) {
        List<Entry> entries = new ArrayList<>(count);
        for (long index = from; index < from + count; index++) {
            entries.add(entry(index, term));
        }
        return entries;
    }

    /** The entry the script writes at this index and term; its data is a function of both. */
    static Entry entry(long index, long term) {
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(data(index, term)).build();
    }

    static ByteString data(long index, long term) {
        SplittableRandom bytes = new SplittableRandom(index * 1_000_003L + term);
        byte[] data = new byte[bytes.nextInt(DATA_BYTES_MAX)];
        bytes.nextBytes(data);
        return ByteString.copyFrom(data);
    }

    /**
     * The logical content of a log, applied one record at a time exactly as {@link Wal} writes
     * them: a save's entries, then its hard state if it is not empty and differs from the last one.
     * Not thread-safe.
     */
    static final class LogModel {
        /** terms.get(k) is the term of the entry at index k + 1. */
        private final List<Long> terms = new ArrayList<>();
        private final List<SnapshotMetadata> markers = new ArrayList<>();
        private HardState state = HardState.getDefaultInstance();

        /** Applies every record of {@code op}. */
        void applyAll(Op op) {
            int records = recordCount(op);
            for (int k = 0; k < records; k++) {
                applyRecord(op, k);
            }
        }

        /** Records {@code op} writes, given the state before it. */
        int recordCount(Op op) {
            if (op instanceof Save save) {
                return save.entries().size() + (writesState(save.state()) ? 1 : 0);
            }
            return 1;
        }

        /** Applies the {@code k}th record of {@code op}. */
        void applyRecord(Op op, int k) {
            if (op instanceof Snap snap) {
                markers.add(snap.marker());
                return;
            }
            Save save = (Save) op;
            if (k < save.entries().size()) {
                Entry entry = save.entries().get(k);
                terms.subList((int) entry.getIndex() - 1, terms.size()).clear();
                terms.add(entry.getTerm());
            } else {
                state = save.state();
            }
        }

        private boolean writesState(HardState next) {
            boolean empty = next.getTerm() == 0 && next.getVote() == 0 && next.getCommit() == 0;
            return !empty && !next.equals(state);
        }

        long lastIndex() {
            return terms.size();
        }

        long termAt(long index) {
            return terms.get((int) index - 1);
        }

        long commit() {
            return state.getCommit();
        }

        HardState state() {
            return state;
        }

        long lastMarkerIndex() {
            return markers.isEmpty() ? 0 : markers.get(markers.size() - 1).getIndex();
        }

        /** The newest marker at or below the commit index (what a restart opens at). */
        SnapshotMetadata newestValidMarker() {
            for (int i = markers.size() - 1; i >= 0; i--) {
                if (markers.get(i).getIndex() <= state.getCommit()) {
                    return markers.get(i);
                }
            }
            return SnapshotMetadata.getDefaultInstance();
        }

        /** Whether a WAL opened at {@code marker} recovered exactly this log. */
        boolean matches(SnapshotMetadata marker, RecoveredWal recovered) {
            if (!recovered.hardState().equals(state) || !marker.equals(newestValidMarker())
                    || recovered.entries().size() != terms.size() - marker.getIndex()) {
                return false;
            }
            for (Entry entry : recovered.entries()) {
                long index = entry.getIndex();
                if (index < 1 || index > terms.size() || entry.getTerm() != termAt(index)
                        || !entry.equals(entry(index, entry.getTerm()))) {
                    return false;
                }
            }
            return true;
        }

        /** A one-line description for failure messages. */
        String describe() {
            return String.format("lastIndex=%d state={%s} newestValidMarker=%d", lastIndex(),
                    state.toString().replace('\n', ' ').trim(), newestValidMarker().getIndex());
        }
    }
}
