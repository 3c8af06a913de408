package io.etcetera.transport;

import io.etcetera.raft.pb.Message;

import java.nio.file.Path;

/**
 * A MsgSnap whose state machine data has arrived complete, matched its SHA-256, was synced to disk
 * and moved atomically to its final name in the snapshot directory. The member owns {@code
 * dataFile} from now on. Immutable.
 *
 * @param from the member that sent it
 * @param message the MsgSnap: snapshot metadata and Raft's own snapshot data
 * @param dataFile {@code <snapshotDir>/<index as 16 hex digits>.snap.db}
 * @param dataBytes the size of {@code dataFile}
 */
public record ReceivedSnapshot(long from, Message message, Path dataFile, long dataBytes) {

    /**
     * Where the data of the snapshot at {@code index} is stored in {@code snapshotDir}: {@code
     * <index as 16 hex digits>.snap.db}, etcd's {@code Snapshotter.DBFilePath}. The member finds a
     * received snapshot's data here again after a restart.
     */
    public static Path pathFor(Path snapshotDir, long index) {
        return snapshotDir.resolve(String.format("%016x%s", index, IncomingSnapshot.SUFFIX));
    }
}
