package io.etcetera.wal;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;
import io.etcetera.wal.pb.SnapshotFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * The raft snapshot files of one member, {@code <term>-<index>.snap} in their own directory
 * (format in package-info), modelled on etcd's {@code snap.Snapshotter}. Each file holds the
 * snapshot's metadata (index, term, conf state) and the state machine's data or a reference to it,
 * CRC-checked. Files are written atomically; a broken file is skipped with a warning and renamed
 * to {@code .broken}; at most {@code snapFilesMax} are kept (etcd's {@code --max-snapshots}).
 *
 * <p>Confined to one thread, the raft loop. Invariant: a {@code .snap} file is only ever complete
 * and synced, since it appears only by rename.
 */
public final class Snapshotter {

    public static final int SNAP_FILES_MAX_DEFAULT = 5;
    static final String SUFFIX = ".snap";
    static final String TMP_SUFFIX = ".snap.tmp";
    static final String BROKEN_SUFFIX = ".broken";

    private static final System.Logger LOG = System.getLogger(Snapshotter.class.getName());

    private final Path dir;
    /** Snapshot files kept after a save; 0 keeps all. */
    private final int snapFilesMax;

    private Snapshotter(Path dir, int snapFilesMax) {
        this.dir = dir;
        this.snapFilesMax = snapFilesMax;
    }

    /** Uses {@code dir} (created if absent), deleting files a crash left half-written. */
    public static Snapshotter open(Path dir, int snapFilesMax) throws IOException {
        Invariants.check(snapFilesMax >= 0, "snapFilesMax(%d) < 0", snapFilesMax);
        Files.createDirectories(dir);
        for (Path tmp : list(dir, "*" + TMP_SUFFIX)) {
            Files.delete(tmp);
        }
        return new Snapshotter(dir, snapFilesMax);
    }

    /**
     * Writes {@code snapshot} as a new file: a temporary file, fsync, rename, fsync of the
     * directory. Then deletes the oldest files beyond {@code snapFilesMax}.
     */
    public void save(Snapshot snapshot) throws IOException {
        SnapshotMetadata metadata = snapshot.getMetadata();
        Invariants.check(metadata.getIndex() > 0, "saving the empty snapshot (index %d)",
                metadata.getIndex());
        byte[] bytes = snapshot.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        SnapshotFile file = SnapshotFile.newBuilder().setCrc((int) crc.getValue())
                .setSnapshot(UnsafeByteOperations.unsafeWrap(bytes)).build();
        String name = fileName(metadata);
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            OutputStream out = Channels.newOutputStream(channel);
            file.writeTo(out);
            out.flush();
            channel.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
        Fsync.directory(dir);
        purge();
    }

    /** The newest snapshot that reads back intact, or empty when there is none. */
    public Optional<Snapshot> loadNewest() throws IOException {
        return loadNewestMatching(snapshot -> true);
    }

    /**
     * The newest intact snapshot whose index and term equal one of {@code walMarkers} (from
     * {@link Wal#validSnapshotMarkers}), or empty when none does: then the log is replayed from
     * the empty snapshot.
     */
    public Optional<Snapshot> loadNewestAvailable(List<SnapshotMetadata> walMarkers)
            throws IOException {
        return loadNewestMatching(snapshot -> {
            SnapshotMetadata m = snapshot.getMetadata();
            for (SnapshotMetadata marker : walMarkers) {
                if (marker.getIndex() == m.getIndex() && marker.getTerm() == m.getTerm()) {
                    return true;
                }
            }
            return false;
        });
    }

    /** Reads and checks one snapshot file. */
    public static Snapshot read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length == 0) {
            throw new SnapshotCorruptException(file, "empty file");
        }
        SnapshotFile content;
        Snapshot snapshot;
        try {
            content = SnapshotFile.parseFrom(bytes);
            ByteString data = content.getSnapshot();
            if (data.isEmpty()) {
                throw new SnapshotCorruptException(file, "no snapshot in the file");
            }
            CRC32C crc = new CRC32C();
            crc.update(data.asReadOnlyByteBuffer());
            if ((int) crc.getValue() != content.getCrc()) {
                throw new SnapshotCorruptException(file, String.format(
                        "CRC mismatch (stored %08x, computed %08x)", content.getCrc(),
                        (int) crc.getValue()));
            }
            snapshot = Snapshot.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new SnapshotCorruptException(file, "does not parse: " + e.getMessage());
        }
        if (!file.getFileName().toString().equals(fileName(snapshot.getMetadata()))) {
            throw new SnapshotCorruptException(file, String.format(
                    "holds the snapshot at index %d term %d", snapshot.getMetadata().getIndex(),
                    snapshot.getMetadata().getTerm()));
        }
        return snapshot;
    }

    /** The snapshot files, newest first. */
    List<Path> snapFiles() throws IOException {
        List<Path> files = list(dir, "*" + SUFFIX);
        files.sort(Collections.reverseOrder());
        return files;
    }

    private Optional<Snapshot> loadNewestMatching(Predicate<Snapshot> wanted) throws IOException {
        for (Path file : snapFiles()) {
            Snapshot snapshot;
            try {
                snapshot = read(file);
            } catch (SnapshotCorruptException e) {
                Path broken = file.resolveSibling(file.getFileName() + BROKEN_SUFFIX);
                LOG.log(System.Logger.Level.WARNING, "skipping a broken snapshot file, renamed to "
                        + broken + ": " + e.getMessage());
                Files.move(file, broken, StandardCopyOption.ATOMIC_MOVE);
                continue;
            }
            if (wanted.test(snapshot)) {
                return Optional.of(snapshot);
            }
        }
        return Optional.empty();
    }

    private void purge() throws IOException {
        if (snapFilesMax == 0) {
            return;
        }
        List<Path> files = snapFiles();
        for (int i = snapFilesMax; i < files.size(); i++) {
            Files.delete(files.get(i));
        }
        if (files.size() > snapFilesMax) {
            Fsync.directory(dir);
        }
    }

    static String fileName(SnapshotMetadata metadata) {
        return String.format("%016x-%016x%s", metadata.getTerm(), metadata.getIndex(), SUFFIX);
    }

    private static List<Path> list(Path dir, String glob) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
            stream.forEach(files::add);
        }
        return files;
    }
}
