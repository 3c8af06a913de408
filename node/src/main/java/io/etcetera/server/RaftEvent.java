package io.etcetera.server;

import com.google.protobuf.ByteString;

import io.etcetera.raft.SnapshotStatus;
import io.etcetera.raft.pb.Message;

/**
 * What other threads ask of the raft loop, through its one bounded inbox. Ticks are not events: the
 * raft loop reads its clock between events and ticks when a heartbeat interval has passed, so no
 * ticker thread is needed. Immutable records.
 */
sealed interface RaftEvent {

    /** A client request to append: {@code data}, an encoded {@code RaftRequest} with {@code id}. */
    record Propose(long id, ByteString data) implements RaftEvent {}

    /** A membership change to propose; {@code change.id} is what its proposer waits under. */
    record ProposeConfChange(io.etcetera.raft.pb.ConfChange change) implements RaftEvent {}

    /** The Raft status is wanted (a leader's progress of each member, for MemberPromote). */
    record ReadStatus(java.util.concurrent.CompletableFuture<io.etcetera.raft.Status> answer)
            implements RaftEvent {}

    /** A message from a peer (the transport's entry point). */
    record Step(Message message) implements RaftEvent {}

    /** A linearizable read point is wanted; {@code context} identifies the read-index round. */
    record ReadIndex(ByteString context) implements RaftEvent {}

    /** The outcome of sending a snapshot to {@code peerId}. */
    record ReportSnapshot(long peerId, SnapshotStatus status) implements RaftEvent {}

    /** The last message to {@code peerId} may not have arrived. */
    record ReportUnreachable(long peerId) implements RaftEvent {}

    /** Hand leadership to {@code transferee} (MoveLeader). */
    record TransferLeader(long transferee) implements RaftEvent {}

    /**
     * The store is durable (flushed) up to {@code appliedIndex}: snapshot Raft there and compact
     * the log.
     */
    record CreateSnapshot(long appliedIndex) implements RaftEvent {}

    /** Leave the loop. */
    record Stop() implements RaftEvent {}
}
