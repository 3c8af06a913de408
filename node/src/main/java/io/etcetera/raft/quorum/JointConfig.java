package io.etcetera.raft.quorum;

import java.util.Map;

/**
 * The voters of a cluster, possibly in joint consensus (Raft thesis §4.3): decisions need a
 * majority of the incoming configuration and, while joint, also of the outgoing one.
 *
 * <p>Immutable. Invariant: {@code outgoing} is {@link MajorityConfig#EMPTY} unless the
 * configuration is joint.
 *
 * @param incoming the voters that will remain once the joint configuration is left
 * @param outgoing the voters before the change; empty when not joint
 */
public record JointConfig(MajorityConfig incoming, MajorityConfig outgoing) {

    /** A cluster with no voters at all (a node that has not been told its configuration yet). */
    public static final JointConfig EMPTY =
            new JointConfig(MajorityConfig.EMPTY, MajorityConfig.EMPTY);

    public boolean isJoint() {
        return !outgoing.isEmpty();
    }

    public boolean contains(long id) {
        return incoming.contains(id) || outgoing.contains(id);
    }

    /** Every voter of either half, sorted, without duplicates. */
    public MajorityConfig ids() {
        MajorityConfig union = incoming;
        for (int i = 0; i < outgoing.size(); i++) {
            union = union.with(outgoing.idAt(i));
        }
        return union;
    }

    /** The largest index that both halves have committed. */
    public long committedIndex(AckedIndexer acked) {
        return Math.min(incoming.committedIndex(acked), outgoing.committedIndex(acked));
    }

    /** Won only if both halves won; lost if either lost; pending otherwise. */
    public VoteResult voteResult(Map<Long, Boolean> votes) {
        VoteResult first = incoming.voteResult(votes);
        VoteResult second = outgoing.voteResult(votes);
        if (first == second) {
            return first;
        }
        if (first == VoteResult.LOST || second == VoteResult.LOST) {
            return VoteResult.LOST;
        }
        return VoteResult.PENDING;
    }

    /** As etcd prints it: {@code (1 2 3)} or, while joint, {@code (1 2 3)&&(1 2)}. */
    @Override
    public String toString() {
        return isJoint() ? incoming + "&&" + outgoing : incoming.toString();
    }
}
