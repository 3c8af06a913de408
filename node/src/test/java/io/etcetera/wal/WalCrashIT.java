package io.etcetera.wal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.etcetera.raft.pb.SnapshotMetadata;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SIGKILL a separate writer JVM ({@link WalWriterProcess}) in the middle of a stream of saves, at a
 * seeded point: the reopened log must hold everything {@code save} had returned for (the writer
 * prints each operation after it returns) and nothing else than a prefix of the one operation that
 * may have been in flight. The seed fixes the script and the kill point; the exact byte at which
 * the kill lands is up to the scheduler. More runs: {@code -Detcetera.wal.crashRuns=50}.
 */
class WalCrashIT {

    /** Small segments, so kills also land in cuts and releases. */
    private static final long SEGMENT_BYTES = 65536;
    private static final int KILL_AFTER_ACKS_MAX = 400;
    /** The writer would stop here; a kill always comes long before. */
    private static final long OP_COUNT = 1_000_000;

    @TempDir
    Path tmp;
    private Process writer;

    static LongStream seeds() {
        return LongStream.rangeClosed(1, Long.getLong("etcetera.wal.crashRuns", 4));
    }

    @AfterEach
    void killWriter() {
        if (writer != null) {
            writer.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aKilledWriterLosesNothingItAcknowledgedAndInventsNothing(long seed) throws Exception {
        Path dir = tmp.resolve("wal");
        int killAfterAcks = 1 + new SplittableRandom(seed).nextInt(KILL_AFTER_ACKS_MAX);
        writer = startWriter(dir, seed);
        BufferedReader acks = writer.inputReader();
        long acked = 0;
        while (acked < killAfterAcks) {
            acked = readAck(acks, acked, seed);
            if (acked == 1) {
                assertThatThrownBy(() -> Wal.open(dir, SnapshotMetadata.getDefaultInstance(),
                        WalWriterProcess.config(SEGMENT_BYTES)))
                        .isInstanceOf(WalLockedException.class);
            }
        }

        // SIGKILL through the handle: Process.destroyForcibly would also close the pipe, and lose
        // acknowledgements still in it.
        assertThat(writer.toHandle().destroyForcibly()).isTrue();
        assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // Lines already in the pipe were printed after their save returned: acknowledged too.
        for (String line; (line = acks.readLine()) != null; ) {
            assertThat(Long.parseLong(line)).as("seed %d ack order", seed).isEqualTo(acked);
            acked++;
        }
        assertThat(writer.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

        checkRecovered(dir, seed, acked);
    }

    private Process startWriter(Path dir, long seed) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Detcetera.verify=true", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), WalWriterProcess.class.getName(),
                dir.toString(), Long.toString(seed), Long.toString(SEGMENT_BYTES),
                Long.toString(OP_COUNT))
                .redirectError(tmp.resolve("writer-" + seed + ".stderr").toFile())
                .start();
    }

    private long readAck(BufferedReader acks, long acked, long seed) throws IOException {
        String line = acks.readLine();
        if (line == null) {
            fail("seed %d: the writer died after %d acknowledgements; see %s", seed, acked,
                    tmp.resolve("writer-" + seed + ".stderr"));
        }
        assertThat(Long.parseLong(line)).as("seed %d ack order", seed).isEqualTo(acked);
        return acked + 1;
    }

    /**
     * The log opened at its newest valid marker must be the model after all {@code acked}
     * operations, or after them plus a prefix of the records of the next one (in flight when the
     * kill landed; the writer starts no other before printing).
     */
    private static void checkRecovered(Path dir, long seed, long acked) throws IOException {
        List<SnapshotMetadata> markers = Wal.validSnapshotMarkers(dir);
        SnapshotMetadata newest = markers.isEmpty() ? SnapshotMetadata.getDefaultInstance()
                : markers.get(markers.size() - 1);
        RecoveredWal recovered;
        try (Wal wal = Wal.open(dir, newest, WalWriterProcess.config(SEGMENT_BYTES))) {
            recovered = wal.readAll();
        }
        assertThat(recovered.metadata()).isEqualTo(WalWriterProcess.metadata(seed));

        WalScript script = new WalScript(seed);
        WalScript.LogModel model = new WalScript.LogModel();
        for (long n = 0; n < acked; n++) {
            model.applyAll(script.next());
        }
        if (model.matches(newest, recovered)) {
            return;
        }
        String afterAcked = model.describe();
        WalScript.Op inFlight = script.next();
        int records = model.recordCount(inFlight);
        for (int k = 0; k < records; k++) {
            model.applyRecord(inFlight, k);
            if (model.matches(newest, recovered)) {
                return;
            }
        }
        fail("seed %d, %d acknowledged: recovered %d entries after marker %d, state {%s}; model"
                + " after the acknowledged operations: %s", seed, acked, recovered.entries().size(),
                newest.getIndex(), recovered.hardState().toString().replace('\n', ' ').trim(),
                afterAcked);
    }
}
