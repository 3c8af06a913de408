package io.etcetera.transport;

/**
 * How sending a MsgSnap ended, for {@code RawNode.reportSnapshot}: etcd's {@code SnapshotFinish}
 * and {@code SnapshotFailure}. {@link #FINISH} means the receiver has the data on disk, verified,
 * and its member accepted the MsgSnap.
 */
public enum SnapshotStatus {
    FINISH,
    FAILURE
}
