package io.etcetera.raft;

/** What the caller reports back after trying to send a snapshot to a follower. */
public enum SnapshotStatus {
    /** The follower received the snapshot. */
    FINISH,
    /** Sending failed; the leader will try again after probing. */
    FAILURE
}
