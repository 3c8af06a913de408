package io.etcetera.raft.tracker;

/**
 * How the leader replicates to one follower. Transitions (all owned by {@link Progress}):
 *
 * <pre>
 *   PROBE ──(append acknowledged)──────────────> REPLICATE
 *   REPLICATE ──(rejection / unreachable)──────> PROBE
 *   PROBE, REPLICATE ──(needed entries compacted)──> SNAPSHOT
 *   SNAPSHOT ──(snapshot reported / follower caught up)──> PROBE
 * </pre>
 */
public enum ProgressState {
    /**
     * The leader does not know where the follower's log ends: at most one append per heartbeat
     * interval, each waiting for its answer.
     */
    PROBE("StateProbe"),
    /** The follower keeps up: appends stream optimistically, bounded by the in-flight window. */
    REPLICATE("StateReplicate"),
    /** The follower needs a snapshot; appends are paused until it reports back. */
    SNAPSHOT("StateSnapshot");

    private final String etcdName;

    ProgressState(String etcdName) {
        this.etcdName = etcdName;
    }

    /** etcd's name for the state, as its logs and status pages print it. */
    @Override
    public String toString() {
        return etcdName;
    }
}
