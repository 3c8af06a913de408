package io.etcetera.raft;

/**
 * The storage cannot produce a snapshot right now (one is being built). The leader skips the
 * follower for now and tries again later.
 */
public final class SnapshotTemporarilyUnavailableException extends RuntimeException {

    public SnapshotTemporarilyUnavailableException(String message) {
        super(message);
    }
}
