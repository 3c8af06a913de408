package io.etcetera.mvcc;

import io.etcetera.backend.BackendConfig;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The writer process of {@link CrashRecoveryIT}: applies the {@link Workload} of a seed batch after
 * batch (batch i at Raft index i), with compaction steps between batches and a flush every {@link
 * #FLUSH_EVERY} batches, and reports progress on stdout until it is killed.
 *
 * <p>Lines: {@code applied N} after batch N commits, {@code flushed N} after a flush returns.
 */
public final class CrashWriter {

    static final int FLUSH_EVERY = 500;

    /** Values up to 4 KiB fill the 256 KiB memtables about every hundred batches. */
    static final int VALUE_BYTES_MAX = 4096;

    private CrashWriter() {}

    public static void main(String[] args) {
        Path directory = Path.of(args[0]);
        Workload workload = new Workload(Long.parseLong(args[1]), VALUE_BYTES_MAX);
        PrintStream out = System.out;
        // Small memtables, so RocksDB also flushes on its own in the middle of the load.
        try (MvccStore store =
                MvccStore.open(directory, new BackendConfig(256 << 10, 1 << 20, 2))) {
            for (long index = 1; ; index++) {
                try (ApplyBatch batch = store.beginBatch(Workload.LEASES::contains)) {
                    Workload.applyAll(batch, workload.nextBatch());
                    batch.commit(index, 1);
                }
                out.println("applied " + index);
                store.compactStep(3);
                if (index % FLUSH_EVERY == 0) {
                    store.flush();
                    out.println("flushed " + index);
                }
                out.flush();
            }
        }
    }
}
