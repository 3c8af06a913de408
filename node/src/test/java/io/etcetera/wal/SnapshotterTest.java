package io.etcetera.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot files on real disk: atomic, CRC-checked, newest valid one wins, bounded in number. */
class SnapshotterTest {

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("snap");
    }

    static Snapshot snapshot(long index, long term) {
        return Snapshot.newBuilder()
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(index).setTerm(term)
                        .setConfState(WalScript.VOTERS))
                .setData(ByteString.copyFromUtf8("state machine at " + index)).build();
    }

    @Test
    void theNewestSavedSnapshotLoadsBack() throws IOException {
        Snapshotter snapshotter = Snapshotter.open(dir(), Snapshotter.SNAP_FILES_MAX_DEFAULT);
        snapshotter.save(snapshot(10, 1));
        snapshotter.save(snapshot(20, 2));

        assertThat(Snapshotter.open(dir(), 5).loadNewest()).contains(snapshot(20, 2));
        assertThat(dir().resolve("0000000000000002-0000000000000014.snap")).exists();
        try (var files = Files.list(dir())) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void anEmptyDirectoryHasNoSnapshot() throws IOException {
        assertThat(Snapshotter.open(dir(), 5).loadNewest()).isEmpty();
    }

    @Test
    void loadNewestAvailablePicksTheNewestSnapshotTheWalHasAMarkerFor() throws IOException {
        Snapshotter snapshotter = Snapshotter.open(dir(), 5);
        snapshotter.save(snapshot(10, 1));
        snapshotter.save(snapshot(20, 2));
        snapshotter.save(snapshot(30, 2));
        SnapshotMetadata marker20 = snapshot(20, 2).getMetadata();
        SnapshotMetadata wrongTerm30 = snapshot(30, 3).getMetadata();

        assertThat(snapshotter.loadNewestAvailable(List.of(marker20, wrongTerm30)))
                .contains(snapshot(20, 2));
        assertThat(snapshotter.loadNewestAvailable(List.of(wrongTerm30))).isEmpty();
    }

    @Test
    void aBrokenNewestSnapshotIsRenamedAsideAndTheOlderOneLoads() throws IOException {
        Snapshotter snapshotter = Snapshotter.open(dir(), 5);
        snapshotter.save(snapshot(10, 1));
        snapshotter.save(snapshot(20, 1));
        Path newest = dir().resolve(Snapshotter.fileName(snapshot(20, 1).getMetadata()));
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 3] ^= 0x40;
        Files.write(newest, bytes);

        assertThatThrownBy(() -> Snapshotter.read(newest))
                .isInstanceOf(SnapshotCorruptException.class).hasMessageContaining("CRC mismatch");
        assertThat(snapshotter.loadNewest()).contains(snapshot(10, 1));
        assertThat(newest).doesNotExist();
        assertThat(newest.resolveSibling(newest.getFileName() + ".broken")).exists();
    }

    @Test
    void anEmptyOrMisnamedFileIsBroken() throws IOException {
        Snapshotter snapshotter = Snapshotter.open(dir(), 5);
        snapshotter.save(snapshot(10, 1));
        Path empty = dir().resolve(Snapshotter.fileName(snapshot(30, 1).getMetadata()));
        Files.write(empty, new byte[0]);
        Path misnamed = dir().resolve(Snapshotter.fileName(snapshot(20, 1).getMetadata()));
        Files.copy(dir().resolve(Snapshotter.fileName(snapshot(10, 1).getMetadata())), misnamed);

        assertThatThrownBy(() -> Snapshotter.read(empty)).hasMessageContaining("empty file");
        assertThatThrownBy(() -> Snapshotter.read(misnamed))
                .hasMessageContaining("holds the snapshot at index 10 term 1");
        assertThat(snapshotter.loadNewest()).contains(snapshot(10, 1));
    }

    @Test
    void atMostSnapFilesMaxAreKept() throws IOException {
        Snapshotter snapshotter = Snapshotter.open(dir(), 3);
        for (long index = 1; index <= 6; index++) {
            snapshotter.save(snapshot(index * 10, 1));
        }

        assertThat(snapshotter.snapFiles()).extracting(p -> p.getFileName().toString())
                .containsExactly(Snapshotter.fileName(snapshot(60, 1).getMetadata()),
                        Snapshotter.fileName(snapshot(50, 1).getMetadata()),
                        Snapshotter.fileName(snapshot(40, 1).getMetadata()));
    }

    /**
     * The restart sequence of the Wal Javadoc: valid markers from the log, the newest snapshot
     * file matching one, then the log read from that marker.
     */
    @Test
    void aRestartUsesTheNewestIntactCommittedSnapshotAndTheLogAfterIt() throws IOException {
        Path walDir = tmp.resolve("wal");
        Snapshotter snapshotter = Snapshotter.open(dir(), 5);
        try (Wal wal = Wal.create(walDir, WalTest.METADATA, WalTest.SMALL)) {
            wal.save(WalTest.state(1, 1, 25), WalTest.entries(1, 40, 1));
            for (long index : new long[] {10, 20, 30}) {
                // Snapshot file first, then its marker, as the raft loop does.
                snapshotter.save(snapshot(index, 1));
                wal.saveSnapshot(snapshot(index, 1).getMetadata());
            }
        }
        // Snapshot 30 is past the commit index (25); snapshot 20 is damaged on disk.
        Path file20 = dir().resolve(Snapshotter.fileName(snapshot(20, 1).getMetadata()));
        byte[] bytes = Files.readAllBytes(file20);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file20, bytes);

        List<SnapshotMetadata> markers = Wal.validSnapshotMarkers(walDir);
        Snapshot restored = Snapshotter.open(dir(), 5).loadNewestAvailable(markers).orElseThrow();
        RecoveredWal recovered = WalTest.reopen(walDir, restored.getMetadata(), WalTest.SMALL);

        assertThat(markers).extracting(SnapshotMetadata::getIndex).containsExactly(0L, 10L, 20L);
        assertThat(restored).isEqualTo(snapshot(10, 1));
        assertThat(WalTest.ids(recovered.entries()))
                .isEqualTo(WalTest.ids(WalTest.entries(11, 40, 1)));
        assertThat(recovered.hardState()).isEqualTo(WalTest.state(1, 1, 25));
    }

    @Test
    void aHalfWrittenFileFromACrashIsDeletedOnOpen() throws IOException {
        Files.createDirectories(dir());
        Path leftover = dir().resolve(Snapshotter.fileName(snapshot(10, 1).getMetadata())
                + ".tmp");
        Files.write(leftover, new byte[] {1, 2, 3});

        Snapshotter snapshotter = Snapshotter.open(dir(), 5);

        assertThat(leftover).doesNotExist();
        assertThat(snapshotter.loadNewest()).isEmpty();
    }
}
