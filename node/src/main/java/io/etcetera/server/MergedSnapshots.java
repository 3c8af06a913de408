package io.etcetera.server;

import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.StoreState;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;
import io.etcetera.server.pb.MemberRecord;
import io.etcetera.transport.OutgoingSnapshot;
import io.etcetera.transport.PeerTransport;

import org.jboss.logging.Logger;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.LongSupplier;

/**
 * Sends a leader's MsgSnap with the state machine's data (etcd's {@code
 * createMergedSnapshotMessage}): the Raft snapshot of a member holds no data, since the store is
 * the state machine's snapshot, so the MsgSnap that goes out carries a checkpoint of the store taken
 * now, with the metadata rewritten to the store's applied index and term and the configuration at
 * that index. The follower installs the store and continues from there; the leader's progress for
 * it moves on when the follower acknowledges that index, which is at or above the one Raft asked to
 * send (the store is never behind the Raft snapshot).
 *
 * <p>{@link #send} runs on the apply thread, between apply batches, so the checkpoint, the applied
 * index and the membership agree. The transport streams the archive on its own thread and closes
 * it at the end, which deletes the checkpoint. Single-step conf changes only: the configuration is
 * the membership's voters and learners.
 */
final class MergedSnapshots {

    private static final Logger LOG = Logger.getLogger(MergedSnapshots.class);

    private final MvccStore store;
    private final Membership membership;
    private final DataDir dataDir;
    private final LongSupplier ids;
    private final PeerTransport transport;
    private final RaftInbox raft;

    MergedSnapshots(MvccStore store, Membership membership, DataDir dataDir, LongSupplier ids,
            PeerTransport transport, RaftInbox raft) {
        this.raft = raft;
        this.store = store;
        this.membership = membership;
        this.dataDir = dataDir;
        this.ids = ids;
        this.transport = transport;
    }

    /** Apply thread: checkpoints the store and hands {@code msgSnap} with it to the transport. */
    void send(Message msgSnap) {
        StoreState state = store.state();
        Path checkpoint = dataDir.member().resolve(
                Member.CHECKPOINT_PREFIX + Long.toHexString(ids.getAsLong()));
        SnapshotArchive.Source archive;
        try {
            store.checkpoint(checkpoint);
            archive = SnapshotArchive.of(checkpoint);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("cannot send a snapshot to %x: checkpointing the store failed: %s",
                    msgSnap.getTo(), e.getMessage());
            deleteQuietly(checkpoint);
            raft.offer(new RaftEvent.ReportSnapshot(msgSnap.getTo(),
                    io.etcetera.raft.SnapshotStatus.FAILURE));
            return;
        }
        SnapshotMetadata metadata = SnapshotMetadata.newBuilder()
                .setIndex(state.appliedIndex()).setTerm(state.term())
                .setConfState(confState()).build();
        Message merged = msgSnap.toBuilder()
                .setSnapshot(Snapshot.newBuilder().setMetadata(metadata)).build();
        LOG.infof("sending a snapshot at index %d (raft asked for %d, %d bytes) to %x",
                metadata.getIndex(), msgSnap.getSnapshot().getMetadata().getIndex(),
                archive.totalBytes(), msgSnap.getTo());
        InputStream data = new FilterInputStream(archive.open()) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    SnapshotStream.deleteTree(checkpoint);
                }
            }
        };
        transport.sendSnapshot(new OutgoingSnapshot(merged, data, archive.totalBytes()));
    }

    /** The configuration as the applied membership has it. */
    private ConfState confState() {
        ConfState.Builder conf = ConfState.newBuilder();
        for (MemberRecord member : membership.members()) {
            if (member.getIsLearner()) {
                conf.addLearners(member.getId());
            } else {
                conf.addVoters(member.getId());
            }
        }
        return conf.build();
    }

    private static void deleteQuietly(Path checkpoint) {
        try {
            SnapshotStream.deleteTree(checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
