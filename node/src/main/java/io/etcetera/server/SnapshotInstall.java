package io.etcetera.server;

import com.google.protobuf.InvalidProtocolBufferException;

import io.etcetera.invariants.Invariants;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.ReadView;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.transport.ReceivedSnapshot;

import org.jboss.logging.Logger;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Installs a leader's snapshot on a follower (etcd's {@code applySnapshot}): the transport left the
 * snapshot's data, an archive of the leader's store checkpoint, at {@code member/snap/<index as 16
 * hex digits>.snap.db}; it is unpacked beside the store, the store's content is replaced by it
 * ({@link MvccStore#restore}), and the state kept in the store's records (membership, alarms, and
 * what the listeners reload) is read again. The member then continues from the snapshot's index.
 *
 * <p>Crash safety: Raft's snapshot is saved (snapshot file, WAL marker) before the store is
 * replaced, and the archive is deleted only after the store was made durable. A member restarting
 * with a store below its Raft snapshot finds the archive and installs it first ({@link
 * #redoAtStart}).
 *
 * <p>{@link #install} runs on the apply thread; {@link #redoAtStart} before any thread starts.
 */
final class SnapshotInstall {

    private static final Logger LOG = Logger.getLogger(SnapshotInstall.class);

    /** The unpacked archive's directory name, under {@code member/}; removed at every start. */
    static final String UNPACKED_PREFIX = Member.CHECKPOINT_PREFIX + "install-";

    private final MvccStore store;
    private final Membership membership;
    private final Alarms alarms;
    private final DataDir dataDir;
    /** Other state kept in the store (the lessor, the watchers) to reload after an install. */
    private final List<Runnable> reloaded;
    /** Snapshots installed since start (read by any thread). */
    private volatile long installedCount;

    SnapshotInstall(MvccStore store, Membership membership, Alarms alarms, DataDir dataDir,
            List<Runnable> reloaded) {
        this.store = store;
        this.membership = membership;
        this.alarms = alarms;
        this.dataDir = dataDir;
        this.reloaded = List.copyOf(reloaded);
    }

    /** Apply thread: replaces the store by the data of {@code snapshot}. */
    void install(Snapshot snapshot) throws InvalidProtocolBufferException {
        long index = snapshot.getMetadata().getIndex();
        Path archive = ReceivedSnapshot.pathFor(dataDir.snap(), index);
        Invariants.check(Files.exists(archive), "the data of the snapshot at index %d is missing:"
                + " %s does not exist", index, archive);
        Path unpacked = dataDir.member().resolve(UNPACKED_PREFIX + Long.toHexString(index));
        try {
            SnapshotStream.deleteTree(unpacked);
            unpack(archive, unpacked);
            store.restore(unpacked);
            SnapshotStream.deleteTree(unpacked);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Invariants.check(store.state().appliedIndex() == index, "the snapshot at index %d holds"
                + " a store at applied index %d", index, store.state().appliedIndex());
        try (ReadView view = store.view()) {
            membership.reload(view);
            alarms.reload(view);
        }
        reloaded.forEach(Runnable::run);
        deleteArchivesUpTo(dataDir, index);
        installedCount++;
        LOG.infof("installed the leader's snapshot at index %d (revision %d)", index,
                store.state().revision());
    }

    /** Leaders' snapshots installed since start. */
    long installedCount() {
        return installedCount;
    }

    /**
     * Before the store opens: if it is below the Raft snapshot at {@code snapshotIndex} (a crash
     * while a leader's snapshot was installed) and that snapshot's data is here, the store is
     * replaced by it. Archives the store already covers are deleted.
     */
    static void redoAtStart(DataDir dataDir, long snapshotIndex) throws IOException {
        Path archive = ReceivedSnapshot.pathFor(dataDir.snap(), snapshotIndex);
        if (snapshotIndex > 0 && Files.exists(archive)) {
            long storeIndex;
            try (MvccStore store = MvccStore.open(dataDir.db())) {
                storeIndex = store.state().appliedIndex();
            }
            if (storeIndex < snapshotIndex) {
                LOG.warnf("the store (applied index %d) is older than the Raft snapshot at %d:"
                        + " installing the snapshot's data from %s again", storeIndex,
                        snapshotIndex, archive);
                SnapshotStream.deleteTree(dataDir.db());
                unpack(archive, dataDir.db());
            }
        }
        deleteArchivesUpTo(dataDir, snapshotIndex);
    }

    private static void unpack(Path archive, Path target) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            SnapshotArchive.unpack(in, target);
        }
    }

    /** Deletes the received archives at or below {@code index}: the store covers them. */
    private static void deleteArchivesUpTo(DataDir dataDir, long index) {
        if (!Files.isDirectory(dataDir.snap())) {
            return;
        }
        try (DirectoryStream<Path> archives =
                Files.newDirectoryStream(dataDir.snap(), "*.snap.db")) {
            for (Path archive : archives) {
                String name = archive.getFileName().toString();
                long archiveIndex = Long.parseUnsignedLong(name.substring(0, 16), 16);
                if (archiveIndex <= index) {
                    Files.deleteIfExists(archive);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not delete old snapshot data in %s: %s", dataDir.snap(), e);
        }
    }
}
