package io.etcetera.raft;

/**
 * A proposal, conf change or read-index request was not accepted by this node; nothing was
 * appended. The caller may retry, typically once a leader is known ({@link Reason#NO_LEADER} is
 * what etcd reports as {@code etcdserver: no leader}).
 */
public final class ProposalDroppedException extends RuntimeException {

    /** Why the request was dropped. */
    public enum Reason {
        /** This node knows no leader to handle or forward the request to. */
        NO_LEADER,
        /** The leader is handing leadership over and accepts no proposals meanwhile. */
        LEADER_TRANSFER_IN_PROGRESS,
        /** This follower is configured not to forward proposals to the leader. */
        FORWARDING_DISABLED,
        /** The leader's uncommitted log tail is at its byte limit. */
        UNCOMMITTED_BYTES_MAX,
        /** This leader was removed from the configuration and takes no proposals. */
        NOT_A_MEMBER,
        /** Too many read-index requests are waiting for confirmation. */
        READ_INDEX_PENDING_MAX
    }

    private final Reason reason;

    public ProposalDroppedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
