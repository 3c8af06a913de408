package io.etcetera.raft;

/**
 * The role a node plays in its current term. Transitions (each made by a {@code become*} method
 * of the engine):
 *
 * <pre>
 *   FOLLOWER ──(election timeout, PreVote on)──> PRE_CANDIDATE ──(pre-votes won)──> CANDIDATE
 *   FOLLOWER ──(election timeout, or MsgTimeoutNow)──────────────────────────────> CANDIDATE
 *   CANDIDATE ──(votes won)──> LEADER
 *   any role ──(higher term seen, election lost, leader heard, CheckQuorum failed)──> FOLLOWER
 * </pre>
 */
public enum RaftRole {
    FOLLOWER("StateFollower"),
    CANDIDATE("StateCandidate"),
    LEADER("StateLeader"),
    /** Asking for pre-votes (Raft thesis §9.6) before it dares to increase its term. */
    PRE_CANDIDATE("StatePreCandidate");

    private final String etcdName;

    RaftRole(String etcdName) {
        this.etcdName = etcdName;
    }

    /** etcd's name for the role, as its logs print it. */
    @Override
    public String toString() {
        return etcdName;
    }
}
