package io.etcetera.raft.quorum;

/** The outcome of counting votes against a quorum configuration. */
public enum VoteResult {
    /** Neither won nor lost yet: the missing votes could still decide either way. */
    PENDING,
    /** Too many rejections: a quorum can no longer be reached. */
    LOST,
    /** A quorum granted the vote. */
    WON
}
