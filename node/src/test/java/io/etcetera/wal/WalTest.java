package io.etcetera.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.SnapshotMetadata;
import io.etcetera.wal.pb.Metadata;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The WAL's contract with the raft loop, on real files with fsync. */
class WalTest {

    static final Metadata METADATA = Metadata.newBuilder().setMemberId(0x8e9e05c52164694dL)
            .setClusterId(0xcdf818194e3a8c32L).build();
    /** Segments small enough that a few dozen entries cut several. */
    static final WalConfig SMALL = WalConfig.DEFAULT.withSegmentBytes(8192);

    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("wal");
    }

    static HardState state(long term, long vote, long commit) {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(commit).build();
    }

    static List<Entry> entries(long from, long to, long term) {
        return LongStream.rangeClosed(from, to).mapToObj(i -> WalScript.entry(i, term)).toList();
    }

    /**
     * Entries as short strings (index@term#hash of data), so a failed comparison prints something
     * readable instead of every entry's bytes.
     */
    static List<String> ids(List<Entry> entries) {
        return entries.stream().map(e -> e.getIndex() + "@" + e.getTerm() + "#"
                + Integer.toHexString(e.getData().hashCode())).toList();
    }

    static SnapshotMetadata marker(long index, long term) {
        return SnapshotMetadata.newBuilder().setIndex(index).setTerm(term)
                .setConfState(WalScript.VOTERS).build();
    }

    static RecoveredWal reopen(Path dir, SnapshotMetadata marker, WalConfig config)
            throws IOException {
        try (Wal wal = Wal.open(dir, marker, config)) {
            return wal.readAll();
        }
    }

    @Test
    void savedEntriesAndHardStateReadBackAfterReopen() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, SMALL)) {
            wal.save(state(1, 1, 0), entries(1, 3, 1));
            wal.save(state(1, 1, 2), entries(4, 5, 1));
        }

        RecoveredWal recovered = reopen(dir(), SnapshotMetadata.getDefaultInstance(), SMALL);

        assertThat(recovered.metadata()).isEqualTo(METADATA);
        assertThat(recovered.hardState()).isEqualTo(state(1, 1, 2));
        assertThat(ids(recovered.entries())).isEqualTo(ids(entries(1, 5, 1)));
    }

    @Test
    void appendingAfterReopenContinuesTheLog() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, SMALL)) {
            wal.save(state(1, 1, 1), entries(1, 3, 1));
        }
        try (Wal wal = Wal.open(dir(), SnapshotMetadata.getDefaultInstance(), SMALL)) {
            wal.readAll();
            assertThat(wal.lastIndex()).isEqualTo(3);
            wal.save(state(2, 2, 3), entries(4, 30, 2));
        }

        RecoveredWal recovered = reopen(dir(), SnapshotMetadata.getDefaultInstance(), SMALL);

        List<Entry> expected = new ArrayList<>(entries(1, 3, 1));
        expected.addAll(entries(4, 30, 2));
        assertThat(ids(recovered.entries())).isEqualTo(ids(expected));
        assertThat(recovered.hardState()).isEqualTo(state(2, 2, 3));
    }

    @Test
    void aLaterEntryOverwritesTheConflictingSuffixOnRead() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, SMALL)) {
            wal.save(state(1, 1, 2), entries(1, 20, 1));
            // A new leader at term 2 replaces the uncommitted suffix from index 5, by then in an
            // earlier segment than the one this save lands in.
            wal.save(state(2, 2, 2), entries(5, 7, 2));
            assertThat(wal.lastIndex()).isEqualTo(7);
        }

        RecoveredWal recovered = reopen(dir(), SnapshotMetadata.getDefaultInstance(), SMALL);

        List<Entry> expected = new ArrayList<>(entries(1, 4, 1));
        expected.addAll(entries(5, 7, 2));
        assertThat(ids(recovered.entries())).isEqualTo(ids(expected));
    }

    @Test
    void aSaveWithNothingNewDoesNoIo() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, SMALL)) {
            wal.save(state(1, 1, 1), entries(1, 2, 1));
            long fsyncs = wal.fsyncCount();
            long writtenBytes = wal.writtenBytes();
            byte[] tailBefore = Files.readAllBytes(wal.tailPath());

            wal.save(HardState.getDefaultInstance(), List.of());
            wal.save(state(1, 1, 1), List.of());
            wal.sync();

            assertThat(wal.fsyncCount()).isEqualTo(fsyncs);
            assertThat(wal.writtenBytes()).isEqualTo(writtenBytes);
            assertThat(Files.readAllBytes(wal.tailPath())).isEqualTo(tailBefore);
        }
    }

    @Test
    void aSaveFsyncsOnceForTheWholeBatch() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, WalConfig.DEFAULT.withSegmentBytes(1 << 22))) {
            long fsyncs = wal.fsyncCount();

            wal.save(state(1, 1, 0), entries(1, 200, 1));

            assertThat(wal.fsyncCount()).isEqualTo(fsyncs + 1);
        }
    }

    @Test
    void fullSegmentsAreCutAndNamedBySequenceAndFirstIndex() throws IOException {
        List<Long> lastIndexAtCut = new ArrayList<>();
        try (Wal wal = Wal.create(dir(), METADATA, SMALL)) {
            for (long index = 1; index <= 60; index++) {
                int segmentsBefore = wal.segments().size();
                wal.save(state(1, 1, index - 1), entries(index, index, 1));
                if (wal.segments().size() > segmentsBefore) {
                    lastIndexAtCut.add(index);
                }
            }
            List<SegmentName> names = wal.segments();
            assertThat(names).hasSizeGreaterThan(3).hasSize(lastIndexAtCut.size() + 1);
            assertThat(names.get(0).fileName()).isEqualTo("0000000000000000-0000000000000000.wal");
            for (int k = 1; k < names.size(); k++) {
                assertThat(names.get(k).seq()).isEqualTo(k);
                assertThat(names.get(k).firstIndex()).isEqualTo(lastIndexAtCut.get(k - 1) + 1);
                // A sealed segment ends at its last record, at or past the preallocated size.
                long sealedBytes = Files.size(dir().resolve(names.get(k - 1).fileName()));
                assertThat(sealedBytes).isGreaterThanOrEqualTo(SMALL.segmentBytes())
                        .isLessThan(SMALL.segmentBytes() + 2048);
            }
            assertThat(Files.size(wal.tailPath())).isEqualTo(SMALL.segmentBytes());
        }

        RecoveredWal recovered = reopen(dir(), SnapshotMetadata.getDefaultInstance(), SMALL);

        assertThat(ids(recovered.entries())).isEqualTo(ids(entries(1, 60, 1)));
        assertThat(recovered.hardState()).isEqualTo(state(1, 1, 59));
    }

    @Test
    void openingAtASnapshotMarkerReturnsOnlyTheEntriesAfterIt() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, SMALL)) {
            wal.save(state(1, 1, 8), entries(1, 10, 1));
            wal.saveSnapshot(marker(6, 1));
            wal.save(state(1, 1, 9), entries(11, 40, 1));
        }

        List<SnapshotMetadata> markers = Wal.validSnapshotMarkers(dir());
        assertThat(markers).containsExactly(SnapshotMetadata.getDefaultInstance(), marker(6, 1));
        RecoveredWal recovered = reopen(dir(), marker(6, 1), SMALL);

        assertThat(ids(recovered.entries())).isEqualTo(ids(entries(7, 40, 1)));
        assertThat(recovered.hardState()).isEqualTo(state(1, 1, 9));
    }

    @Test
    void validSnapshotMarkersLeaveOutMarkersPastTheCommitIndex() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, SMALL)) {
            wal.save(state(1, 1, 4), entries(1, 10, 1));
            wal.saveSnapshot(marker(8, 1));
            assertThat(Wal.validSnapshotMarkers(dir()))
                    .containsExactly(SnapshotMetadata.getDefaultInstance());

            wal.save(state(1, 1, 9), List.of());

            assertThat(Wal.validSnapshotMarkers(dir()))
                    .containsExactly(SnapshotMetadata.getDefaultInstance(), marker(8, 1));
        }
    }

    @Test
    void openingAtAMarkerThatIsNotInTheLogFails() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, SMALL)) {
            wal.save(state(1, 1, 8), entries(1, 10, 1));
            wal.saveSnapshot(marker(6, 1));
        }

        assertThatThrownBy(() -> reopen(dir(), marker(5, 1), SMALL))
                .isInstanceOf(WalSnapshotNotFoundException.class)
                .hasMessageContaining("index 5 term 1");
        assertThatThrownBy(() -> reopen(dir(), marker(6, 2), SMALL))
                .isInstanceOf(WalSnapshotNotFoundException.class)
                .hasMessageContaining("the marker at that index has term 1");
    }

    @Test
    void releaseToDeletesCoveredSegmentsBeyondWalFilesMax() throws IOException {
        WalConfig config = SMALL.withWalFilesMax(2);
        try (Wal wal = Wal.create(dir(), METADATA, config)) {
            for (long index = 1; index <= 60; index++) {
                wal.save(state(1, 1, index), entries(index, index, 1));
            }
            List<SegmentName> before = List.copyOf(wal.segments());
            assertThat(before).hasSizeGreaterThan(4);

            wal.releaseTo(0);
            assertThat(wal.segments()).isEqualTo(before);

            wal.saveSnapshot(marker(55, 1));
            wal.releaseTo(55);

            assertThat(wal.segments()).hasSize(2)
                    .isEqualTo(before.subList(before.size() - 2, before.size()));
            assertThat(SegmentName.list(dir())).isEqualTo(wal.segments());
        }

        assertThat(Wal.validSnapshotMarkers(dir())).containsExactly(marker(55, 1));
        assertThat(ids(reopen(dir(), marker(55, 1), config).entries()))
                .isEqualTo(ids(entries(56, 60, 1)));
    }

    @Test
    void releaseToKeepsEverySegmentWhenWalFilesMaxIsZero() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, SMALL.withWalFilesMax(0))) {
            for (long index = 1; index <= 40; index++) {
                wal.save(state(1, 1, index), entries(index, index, 1));
            }
            List<SegmentName> before = List.copyOf(wal.segments());

            wal.saveSnapshot(marker(40, 1));
            wal.releaseTo(40);

            assertThat(SegmentName.list(dir())).isEqualTo(before);
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefusedUntilTheFirstCloses() throws IOException {
        Wal first = Wal.create(dir(), METADATA, SMALL);
        try {
            assertThatThrownBy(() -> Wal.open(dir(), SnapshotMetadata.getDefaultInstance(), SMALL))
                    .isInstanceOf(WalLockedException.class)
                    .hasMessageContaining("locked by another process");
        } finally {
            first.close();
        }

        assertThat(reopen(dir(), SnapshotMetadata.getDefaultInstance(), SMALL).entries()).isEmpty();
    }

    @Test
    void createRefusesADirectoryThatHoldsALog() throws IOException {
        Wal.create(dir(), METADATA, SMALL).close();

        assertThatThrownBy(() -> Wal.create(dir(), METADATA, SMALL))
                .isInstanceOf(FileAlreadyExistsException.class);
    }

    @Test
    void savingEntriesThatLeaveAGapIsAProgrammingError() throws IOException {
        try (Wal wal = Wal.create(dir(), METADATA, SMALL)) {
            wal.save(state(1, 1, 0), entries(1, 3, 1));

            assertThatThrownBy(() -> wal.save(state(1, 1, 0), entries(5, 6, 1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("entries start at 5, after last index 3");
        }
    }

    @Test
    void backgroundPreallocationHandsOverZeroFilledSegments() throws IOException {
        ExecutorService preallocator = Executors.newSingleThreadExecutor();
        WalConfig config = SMALL.withPreallocateExecutor(preallocator);
        try {
            try (Wal wal = Wal.create(dir(), METADATA, config)) {
                for (long index = 1; index <= 80; index += 2) {
                    wal.save(state(1, 1, index - 1), entries(index, index + 1, 1));
                }
                assertThat(wal.segments()).hasSizeGreaterThan(5);
            }
            assertThat(dir().resolve(SegmentAllocator.SPARE_NAME)).doesNotExist();

            RecoveredWal recovered = reopen(dir(), SnapshotMetadata.getDefaultInstance(), config);

            assertThat(ids(recovered.entries())).isEqualTo(ids(entries(1, 80, 1)));
        } finally {
            preallocator.shutdownNow();
        }
    }
}
