package io.etcetera.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Message;

import io.etcd.jetcd.api.RangeRequest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Kills a writer process ({@link CrashWriter}) with SIGKILL in the middle of a load, reopens its
 * store and checks that it is exactly at its stored applied index: the state equals the model after
 * that many batches (nothing of a later batch, nothing of an earlier one missing), at every
 * readable revision; everything flushed is there. Then replays the batches after the index, as the
 * server replays its Raft log, and checks the store ends where an uninterrupted store ends.
 */
class CrashRecoveryIT {

    private static final long SEED = 42;

    /** Kill once the writer has flushed this many times and applied this many batches. */
    private static final int FLUSHES_BEFORE_KILL = 2;

    private static final long APPLIED_BEFORE_KILL =
            CrashWriter.FLUSH_EVERY * FLUSHES_BEFORE_KILL + 437;

    @TempDir Path tempDir;

    @Test
    void reopenedStoreIsExactlyAtItsAppliedIndexAndReplayCatchesUp() throws Exception {
        Path directory = tempDir.resolve("store");
        long[] seen = killWriterMidLoad(directory); // {last applied line, last flushed line}
        List<List<Message>> batches = new ArrayList<>();
        Workload workload = new Workload(SEED, CrashWriter.VALUE_BYTES_MAX);
        try (MvccStore store = MvccStore.open(directory)) {
            long recovered = store.state().appliedIndex();
            // Everything flushed survives; the writer can be ahead of the lines read by at most a
            // pipe buffer of lines.
            assertThat(recovered).isBetween(seen[1], seen[0] + 10_000);
            while (batches.size() < recovered) {
                batches.add(workload.nextBatch());
            }
            NaiveStore model = workload.model();
            assertThat(store.state())
                    .isEqualTo(
                            new StoreState(
                                    recovered, 1, model.revision(), model.compactRevision()));
            assertSameAtEveryRevision(store, model);
            replay(store, workload, recovered, 150);
            assertSameAtEveryRevision(store, workload.model());
            while (!store.compactStep(100).isDone()) {
                // bounded steps until caught up
            }
            assertSameAtEveryRevision(store, workload.model());
        }
    }

    /**
     * Starts the writer, reads its progress, SIGKILLs it; returns the last applied and flushed
     * index.
     */
    private static long[] killWriterMidLoad(Path directory) throws Exception {
        Process writer =
                new ProcessBuilder(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "java")
                                                .toString(),
                                        "-Detcetera.verify=true",
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        CrashWriter.class.getName(),
                                        directory.toString(),
                                        Long.toString(SEED)))
                        .redirectErrorStream(true)
                        .start();
        long applied = 0;
        long flushed = 0;
        int flushes = 0;
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.startsWith("applied ")) {
                    applied = Long.parseLong(line.substring(8));
                } else if (line.startsWith("flushed ")) {
                    flushed = Long.parseLong(line.substring(8));
                    flushes++;
                } else {
                    throw new AssertionError("writer said: " + line);
                }
                if (flushes >= FLUSHES_BEFORE_KILL && applied >= APPLIED_BEFORE_KILL) {
                    writer.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
                    break;
                }
            }
        } finally {
            writer.destroyForcibly();
            writer.waitFor();
        }
        assertThat(flushes).as("writer died before the kill").isEqualTo(FLUSHES_BEFORE_KILL);
        return new long[] {applied, flushed};
    }

    private static void replay(MvccStore store, Workload workload, long from, int count) {
        for (long index = from + 1; index <= from + count; index++) {
            NaiveStore model = workload.model();
            List<Message> batch = workload.nextBatch();
            try (ApplyBatch apply = store.beginBatch(Workload.LEASES::contains)) {
                Workload.applyAll(apply, batch);
                apply.commit(index, 1);
            }
            assertThat(store.state().revision()).isEqualTo(model.revision());
        }
    }

    private static void assertSameAtEveryRevision(MvccStore store, NaiveStore model) {
        for (long revision = Math.max(1, model.compactRevision());
                revision <= model.revision();
                revision++) {
            RangeRequest all = RandomRequests.allKeysAt(revision);
            assertThat(store.range(all))
                    .as("everything at revision %d", revision)
                    .isEqualTo(model.range(all));
        }
        if (model.compactRevision() > 1) {
            RangeRequest old =
                    RangeRequest.newBuilder()
                            .setKey(RandomRequests.bytes("a"))
                            .setRevision(model.compactRevision() - 1)
                            .build();
            assertThatThrownBy(() -> store.range(old)).isInstanceOf(CompactedException.class);
        }
    }
}
