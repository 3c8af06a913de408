package io.etcetera.raft;

import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.Snapshot;
import java.util.List;
import java.util.Optional;

/**
 * The work a {@link RawNode} hands to its caller in one batch: state to persist, messages to send,
 * entries to apply. See {@link RawNode} for the order in which the caller must do it.
 *
 * <p>Immutable; the lists are unmodifiable and stay valid after {@link RawNode#advance}.
 *
 * @param softState the leader and role, present only when they changed since the last Ready
 * @param hardState term, vote and commit index to persist, present only when changed
 * @param readStates answers to {@code readIndex} requests, in request order
 * @param entries entries to append to stable storage, before sending {@code messages} (a leader
 *     may send its appends in parallel, thesis §10.2.1)
 * @param snapshot a snapshot to install and persist, present when the leader sent one
 * @param committedEntries entries to apply to the state machine, in order; they are already in
 *     storage or among {@code entries}
 * @param messages messages to send to other nodes, after persisting (except as noted above)
 * @param mustSync whether the writes must be synced to disk before messages go out: new entries,
 *     a new term or vote, or a snapshot; a commit index alone need not be synced
 */
public record Ready(Optional<SoftState> softState, Optional<HardState> hardState,
                    List<ReadState> readStates, List<Entry> entries, Optional<Snapshot> snapshot,
                    List<Entry> committedEntries, List<Message> messages, boolean mustSync) {

    /** Whether this Ready carries nothing at all. */
    public boolean isEmpty() {
        return softState.isEmpty() && hardState.isEmpty() && readStates.isEmpty()
                && entries.isEmpty() && snapshot.isEmpty() && committedEntries.isEmpty()
                && messages.isEmpty();
    }
}
