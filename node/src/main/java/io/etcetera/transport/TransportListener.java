package io.etcetera.transport;

import io.etcetera.raft.pb.Message;

/**
 * What the peer transport tells its member, after etcd's rafthttp {@code Raft} interface and its
 * error channel. The member implements it by enqueueing onto the raft loop's inbox.
 *
 * <p>Threads: methods are called from gRPC I/O threads, peer sender threads, snapshot threads and
 * from inside {@link PeerTransport#send}; each must return at once and never block (enqueue, and
 * drop when the inbox is full).
 */
public interface TransportListener {

    /**
     * A Raft message from a peer (never a MsgSnap: see {@link #onSnapshot}); for {@code
     * RawNode.step}. Called on a gRPC I/O thread, in the order the peer sent the messages of one
     * lane.
     *
     * @return false when the inbox is full: the message is dropped and counted, as etcd drops when
     *     its receive buffer is full, and Raft recovers
     */
    boolean onMessage(Message message);

    /**
     * A MsgSnap whose data is on disk, verified: step it into Raft like any message; when Raft's
     * {@code Ready} then carries this snapshot, the apply side restores the state machine from
     * {@link ReceivedSnapshot#dataFile} (as etcd opens {@code DBFilePath(index)}). Called on the
     * snapshot-receive thread; the sender hears of success only after this returned true.
     *
     * @return false when the inbox is full: the file is deleted and the sender learns the snapshot
     *     failed
     */
    boolean onSnapshot(ReceivedSnapshot snapshot);

    /**
     * Messages to a peer were lost (its queue was full, its link is down or broke): {@code
     * RawNode.reportUnreachable(peerId)}. At most once per peer per {@link PeerTransport#send} call
     * and once per broken link.
     */
    void onUnreachable(long peerId);

    /** How a snapshot sent to a peer ended: {@code RawNode.reportSnapshot(peerId, status)}. */
    void onSnapshotStatus(long peerId, SnapshotStatus status);

    /**
     * A peer refused this member as removed from the cluster: the member must stop, as etcd does on
     * {@code errMemberRemoved}. Called at most once.
     */
    void onMemberRemoved(MemberRemovedException removed);

    /**
     * Whether a member was removed from the cluster: its calls are refused, so it learns and stops.
     * Called on gRPC I/O threads for every call and batch; must be cheap and not block.
     */
    boolean isIdRemoved(long memberId);
}
