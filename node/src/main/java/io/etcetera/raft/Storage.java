package io.etcetera.raft;

import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Snapshot;
import java.util.List;

/**
 * The stable log as the engine reads it: everything the caller has persisted (entries, hard
 * state, the latest snapshot). The engine never writes here; the caller makes a {@link Ready}'s
 * entries visible only after it persisted them.
 *
 * <p>The log holds the entries in {@code [firstIndex(), lastIndex()]}; the entry just below
 * {@code firstIndex()} is covered by the snapshot, whose term is still known. An empty log has
 * {@code lastIndex() == firstIndex() - 1}. Called only on the raft thread.
 */
public interface Storage {

    /** The persisted hard state and the configuration as of the latest snapshot. */
    InitialState initialState();

    /**
     * The entries in {@code [lo, hi)}, stopping before the total encoded size would exceed
     * {@code bytesMax}, but always at least one entry when {@code lo < hi}.
     *
     * @throws LogCompactedException if {@code lo < firstIndex()}
     * @throws LogUnavailableException if the log is empty or {@code hi > lastIndex() + 1}
     */
    List<Entry> entries(long lo, long hi, long bytesMax);

    /**
     * The term of the entry at {@code index}, for any index in {@code [firstIndex() - 1,
     * lastIndex()]}.
     *
     * @throws LogCompactedException if {@code index < firstIndex() - 1}
     * @throws LogUnavailableException if {@code index > lastIndex()}
     */
    long term(long index);

    /** The index of the first entry still in the log (the snapshot's index + 1). */
    long firstIndex();

    /** The index of the last entry in the log, or {@code firstIndex() - 1} when it is empty. */
    long lastIndex();

    /**
     * The most recent snapshot.
     *
     * @throws SnapshotTemporarilyUnavailableException if it is being built; the engine retries
     */
    Snapshot snapshot();

    /**
     * What a restarting node reads back from storage.
     *
     * @param hardState term, vote and commit index as last persisted (all zero for a new node)
     * @param confState the configuration as of the latest snapshot
     */
    record InitialState(HardState hardState, ConfState confState) {}
}
