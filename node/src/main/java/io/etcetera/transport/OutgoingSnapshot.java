package io.etcetera.transport;

import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;

import java.io.InputStream;

/**
 * A MsgSnap with the state machine's data to stream after it (etcd's {@code snap.Message}): the
 * server makes one from the MsgSnap that Raft asked to send and, e.g., an archive of a RocksDB
 * checkpoint at the snapshot's index. The transport reads {@code data} on a snapshot-send thread,
 * closes it when the transfer ends either way (so the server may release the checkpoint then), and
 * reports the outcome through {@link TransportListener#onSnapshotStatus}. Immutable, but {@code
 * data} is consumed once.
 *
 * @param message the MsgSnap: snapshot metadata and Raft's own snapshot data
 * @param data exactly {@code dataBytes} bytes of state machine data
 * @param dataBytes how many bytes {@code data} yields; a different count fails the transfer
 */
public record OutgoingSnapshot(Message message, InputStream data, long dataBytes) {

    public OutgoingSnapshot {
        Invariants.check(
                message.getType() == MessageType.MsgSnap,
                "an outgoing snapshot carries a MsgSnap, not %s",
                message.getType());
        Invariants.check(dataBytes >= 0, "dataBytes(%d) < 0", dataBytes);
    }
}
