package io.etcetera.transport;

/**
 * A peer refused this member because it was removed from the cluster: the member must stop, as etcd
 * stops on {@code errMemberRemoved} from its transport's error channel. The message is etcd's.
 * Immutable.
 */
public final class MemberRemovedException extends Exception {

    private static final long serialVersionUID = 1L;

    private final long refusingPeerId;

    MemberRemovedException(long refusingPeerId) {
        super("the member has been permanently removed from the cluster");
        this.refusingPeerId = refusingPeerId;
    }

    /** The peer that refused this member. */
    public long refusingPeerId() {
        return refusingPeerId;
    }
}
