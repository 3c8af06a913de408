package io.etcetera.server;

import io.etcetera.raft.MemoryStorage;
import io.etcetera.raft.RawNode;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.HardState;
import io.etcetera.wal.Snapshotter;
import io.etcetera.wal.Wal;

/**
 * What {@link RaftStorage} opens for the raft loop, which owns all of it from then on: the node,
 * its in-memory log, the WAL, the snapshot files, and where the configuration stands.
 *
 * @param memberId this member's ID (from the WAL's metadata on restart)
 * @param clusterId the cluster's ID (likewise)
 * @param node the Raft node, restarted from the storage below or freshly bootstrapped
 * @param storage the in-memory log, holding the snapshot, hard state and entries read back
 * @param wal the WAL, ready to append
 * @param snapshotter the snapshot files
 * @param confState the configuration the node starts with
 * @param confAppliedIndex conf change entries up to here are part of {@code confState}
 * @param hardState the hard state read back (the default instance for a new member)
 */
record RaftParts(long memberId, long clusterId, RawNode node, MemoryStorage storage, Wal wal,
                 Snapshotter snapshotter, ConfState confState, long confAppliedIndex,
                 HardState hardState) {

    /** The index of the Raft snapshot the member starts from (0: none). */
    long snapshotIndex() {
        return storage.snapshot().getMetadata().getIndex();
    }

    long snapshotTerm() {
        return storage.snapshot().getMetadata().getTerm();
    }
}
