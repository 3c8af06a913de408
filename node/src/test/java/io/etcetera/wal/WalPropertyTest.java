package io.etcetera.wal;

import static io.etcetera.wal.WalTest.METADATA;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.raft.pb.SnapshotMetadata;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random streams of saves, overwrites, snapshots and releases, with the log closed and
 * reopened at random points, must read back exactly as a naive model of the same operations says.
 * Segments are small, so cuts and releases happen every few operations. More seeds:
 * {@code -Detcetera.wal.propertySeeds=100}.
 */
class WalPropertyTest {

    private static final int OPS = 200;
    /** On average the log is reopened once every this many operations. */
    private static final int REOPEN_EVERY_OPS = 30;
    private static final WalConfig CONFIG =
            WalConfig.DEFAULT.withSegmentBytes(16384).withWalFilesMax(3);

    @TempDir
    Path tmp;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Long.getLong("etcetera.wal.propertySeeds", 4));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aReopenedLogHoldsWhatTheModelSays(long seed) throws IOException {
        Path dir = tmp.resolve("wal");
        WalScript script = new WalScript(seed);
        WalScript.LogModel model = new WalScript.LogModel();
        SplittableRandom reopenAt = new SplittableRandom(~seed);
        Wal wal = Wal.create(dir, METADATA, CONFIG);
        try {
            for (int n = 0; n < OPS; n++) {
                WalScript.Op op = script.next();
                apply(wal, op);
                model.applyAll(op);
                if (reopenAt.nextInt(REOPEN_EVERY_OPS) == 0) {
                    wal.close();
                    wal = reopenAndCheck(dir, model, seed, n);
                }
            }
            wal.close();
            wal = reopenAndCheck(dir, model, seed, OPS);
        } finally {
            wal.close();
        }
    }

    static void apply(Wal wal, WalScript.Op op) throws IOException {
        if (op instanceof WalScript.Save save) {
            wal.save(save.state(), save.entries());
        } else {
            SnapshotMetadata marker = ((WalScript.Snap) op).marker();
            wal.saveSnapshot(marker);
            wal.releaseTo(marker.getIndex());
        }
    }

    private static Wal reopenAndCheck(Path dir, WalScript.LogModel model, long seed, int op)
            throws IOException {
        List<SnapshotMetadata> markers = Wal.validSnapshotMarkers(dir);
        SnapshotMetadata newest = markers.isEmpty() ? SnapshotMetadata.getDefaultInstance()
                : markers.get(markers.size() - 1);
        Wal wal = Wal.open(dir, newest, CONFIG);
        RecoveredWal recovered = wal.readAll();
        assertThat(model.matches(newest, recovered))
                .as("seed %d after op %d: model %s, recovered %d entries after marker %d,"
                        + " state {%s}",
                        seed, op, model.describe(), recovered.entries().size(), newest.getIndex(),
                        recovered.hardState().toString().replace('\n', ' ').trim())
                .isTrue();
        assertThat(recovered.metadata()).isEqualTo(METADATA);
        assertThat(SegmentName.list(dir)).hasSizeLessThanOrEqualTo(
                Math.max(CONFIG.walFilesMax(), wal.segments().size()));
        return wal;
    }
}
