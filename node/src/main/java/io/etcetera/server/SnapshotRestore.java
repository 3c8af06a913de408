package io.etcetera.server;

import io.etcetera.backend.BackendConfig;
import io.etcetera.backend.Cursor;
import io.etcetera.backend.Family;
import io.etcetera.backend.MetaKey;
import io.etcetera.backend.RocksBackend;
import io.etcetera.backend.WriteSet;
import io.etcetera.config.EtcdConfig;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;
import io.etcetera.server.pb.MemberRecord;
import io.etcetera.wal.Snapshotter;
import io.etcetera.wal.Wal;
import io.etcetera.wal.WalConfig;
import io.etcetera.wal.pb.Metadata;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Offline restore of a client snapshot into a new data dir (etcdctl 3.4's {@code snapshot
 * restore}), so a new cluster can start from it: the file's trailing SHA-256 is checked, the store
 * is unpacked into {@code member/snap/db}, its old membership is replaced by the members of
 * {@code --initial-cluster} and its applied index is set to their count (etcd's restore sets the
 * consistent index the same way), and a WAL and Raft snapshot are written in which those members
 * joined at term 1. The member then starts as any restarted member does, at the snapshot's
 * revision, with new member and cluster IDs computed from the flags.
 *
 * <p>Stateless; runs in the process of the {@code snapshot restore} command, before any member.
 */
public final class SnapshotRestore {

    private SnapshotRestore() {}

    /**
     * What to restore and where, with etcdctl's flag names and defaults.
     *
     * @param snapshotFile the file {@code etcdctl snapshot save} wrote
     * @param config the member the data dir is for: {@code --name}, {@code --data-dir}, {@code
     *     --initial-cluster}, {@code --initial-cluster-token}, {@code
     *     --initial-advertise-peer-urls} (and {@code --wal-dir})
     * @param skipHashCheck etcdctl's {@code --skip-hash-check}: accept a file without a hash
     */
    public record Request(Path snapshotFile, EtcdConfig config, boolean skipHashCheck) {}

    /** Restores; throws with etcdctl's message when the file or the flags do not do. */
    public static void restore(Request request) throws IOException {
        EtcdConfig config = request.config();
        config.verifyBootstrap();
        DataDir dataDir = DataDir.of(config);
        if (Files.exists(dataDir.root())) {
            throw new IOException("data-dir \"" + dataDir.root() + "\" exists");
        }
        if (config.walDir().isPresent() && Files.exists(dataDir.wal())) {
            throw new IOException("wal-dir \"" + dataDir.wal() + "\" exists");
        }
        long archiveBytes = checkHash(request.snapshotFile(), request.skipHashCheck());
        try {
            try (InputStream in = new BufferedInputStream(
                    Files.newInputStream(request.snapshotFile()), 1 << 16)) {
                SnapshotArchive.unpack(new BoundedInputStream(in, archiveBytes), dataDir.db());
            }
            List<MemberRecord> members = RaftStorage.initialMembers(
                    config.initialCluster().peerUrlsByName(), config.initialClusterToken());
            rewriteStore(dataDir, members);
            writeRaftLog(config, dataDir, members);
        } catch (IOException | RuntimeException e) {
            // Nothing was there before: leave nothing half-restored behind.
            SnapshotStream.deleteTree(dataDir.root());
            SnapshotStream.deleteTree(dataDir.wal());
            throw e;
        }
    }

    /**
     * The number of archive bytes in {@code file}: all but its trailing SHA-256, which must match
     * them (etcd's "expected sha256 [...], got [...]" otherwise). With {@code skipHashCheck} a
     * file whose tail is not its hash is taken whole, as a copy of a data dir would be.
     */
    static long checkHash(Path file, boolean skipHashCheck) throws IOException {
        long size = Files.size(file);
        if (size < SnapshotArchive.SHA256_BYTES) {
            if (skipHashCheck) {
                return size;
            }
            throw new IOException("snapshot missing hash but --skip-hash-check=false");
        }
        long archiveBytes = size - SnapshotArchive.SHA256_BYTES;
        byte[] expected = new byte[SnapshotArchive.SHA256_BYTES];
        byte[] actual;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            DigestInputStream digesting = new DigestInputStream(
                    new BoundedInputStream(in, archiveBytes), MessageDigest.getInstance("SHA-256"));
            digesting.transferTo(OutputStream.nullOutputStream());
            actual = digesting.getMessageDigest().digest();
            in.readNBytes(expected, 0, expected.length);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-256", e);
        }
        if (Arrays.equals(expected, actual)) {
            return archiveBytes;
        }
        if (skipHashCheck) {
            return size;
        }
        throw new IOException("expected sha256 " + goBytes(expected) + ", got " + goBytes(actual));
    }

    /** Bytes as Go's {@code %v} prints a byte slice: {@code [1 2 3]}. */
    private static String goBytes(byte[] bytes) {
        return IntStream.range(0, bytes.length).mapToObj(i -> Integer.toString(bytes[i] & 0xFF))
                .collect(Collectors.joining(" ", "[", "]"));
    }

    /** Replaces the stored members and sets the applied index to the new members' entries. */
    private static void rewriteStore(DataDir dataDir, List<MemberRecord> members) {
        try (RocksBackend backend = RocksBackend.open(dataDir.db(), BackendConfig.defaults());
                WriteSet writes = backend.newWriteSet()) {
            byte[] prefix = RecordKeys.MEMBER_PREFIX.toByteArray();
            try (Cursor cursor = backend.cursor(Family.RECORDS)) {
                for (cursor.seek(prefix); cursor.isValid(); cursor.next()) {
                    byte[] key = cursor.key();
                    if (key.length < prefix.length
                            || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                        break;
                    }
                    writes.delete(Family.RECORDS, key);
                }
            }
            for (MemberRecord member : members) {
                writes.put(Family.RECORDS, RecordKeys.member(member.getId()),
                        member.toByteArray());
            }
            writes.put(Family.META, MetaKey.CONSISTENT_INDEX.bytes(),
                    MetaKey.encodeLong(members.size()));
            writes.put(Family.META, MetaKey.TERM.bytes(), MetaKey.encodeLong(1));
            backend.write(writes);
        }
    }

    /**
     * A WAL in which the members joined at term 1 (one ConfChange entry each, committed), and a
     * Raft snapshot at the last of them with every member voting: etcd's {@code saveWALAndSnap}.
     */
    private static void writeRaftLog(EtcdConfig config, DataDir dataDir,
            List<MemberRecord> members) throws IOException {
        long memberId = members.stream().filter(m -> m.getName().equals(config.name()))
                .findFirst().orElseThrow().getId();
        long clusterId = MemberIds.clusterId(members.stream().map(MemberRecord::getId).toList());
        List<Entry> entries = new ArrayList<>();
        ConfState.Builder voters = ConfState.newBuilder();
        for (MemberRecord member : members) {
            ConfChange addNode = ConfChange.newBuilder()
                    .setType(ConfChangeType.CONF_CHANGE_ADD_NODE).setNodeId(member.getId())
                    .setContext(member.toByteString()).build();
            entries.add(Entry.newBuilder().setType(EntryType.ENTRY_CONF_CHANGE).setTerm(1)
                    .setIndex(entries.size() + 1L).setData(addNode.toByteString()).build());
            voters.addVoters(member.getId());
        }
        long commit = entries.size();
        Files.createDirectories(dataDir.member());
        try (Wal wal = Wal.create(dataDir.wal(), Metadata.newBuilder().setMemberId(memberId)
                .setClusterId(clusterId).build(), WalConfig.DEFAULT)) {
            wal.save(HardState.newBuilder().setTerm(1).setVote(members.get(0).getId())
                    .setCommit(commit).build(), entries);
            SnapshotMetadata marker = SnapshotMetadata.newBuilder().setIndex(commit).setTerm(1)
                    .setConfState(voters).build();
            Snapshotter.open(dataDir.snap(), 0).save(
                    Snapshot.newBuilder().setMetadata(marker).build());
            wal.saveSnapshot(marker);
        }
    }

    /** Reads at most {@code limitBytes} of another stream. */
    private static final class BoundedInputStream extends InputStream {
        private final InputStream in;
        private long leftBytes;

        BoundedInputStream(InputStream in, long limitBytes) {
            this.in = in;
            this.leftBytes = limitBytes;
        }

        @Override
        public int read() throws IOException {
            if (leftBytes <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                leftBytes--;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (leftBytes <= 0) {
                return -1;
            }
            int n = in.read(buffer, offset, (int) Math.min(length, leftBytes));
            if (n > 0) {
                leftBytes -= n;
            }
            return n;
        }
    }
}
