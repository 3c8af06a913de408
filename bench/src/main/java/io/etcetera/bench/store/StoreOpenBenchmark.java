package io.etcetera.bench.store;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.CompactionProgress;
import io.etcetera.mvcc.MvccStore;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Loads {@code keyCount} keys into a fresh store, closes it, reopens it, and reports how long the
 * load and the reopen took, the Java heap in use after the reopen, the process's resident memory
 * and the data directory's size; then how long physical compaction steps take after every tenth key
 * was overwritten. Opening reads no keys, so its time should not grow with the count.
 *
 * <pre>
 * java -cp &lt;bench classpath&gt; io.etcetera.bench.store.StoreOpenBenchmark \
 *     [keyCount=1000000] [valueBytes=256] [directory=a new temporary one]
 * </pre>
 */
public final class StoreOpenBenchmark {

    private static final int LOAD_BATCH = 1000;
    private static final int COMPACTION_STEP_CHANGES = 1000;

    private StoreOpenBenchmark() {}

    public static void main(String[] args) throws Exception {
        long keyCount = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Path directory =
                args.length > 2
                        ? Files.createDirectories(Path.of(args[2]))
                        : StoreKeys.temporaryDirectory("store-open");
        long cpuStart = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        long loadNanos = load(directory, keyCount, valueBytes);
        long cpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStart;
        report(keyCount, valueBytes, directory, loadNanos, cpuNanos);

        long heapBefore = usedHeapBytes();
        long start = System.nanoTime();
        try (MvccStore store = MvccStore.open(directory)) {
            long openNanos = System.nanoTime() - start;
            long heapAfter = usedHeapBytes();
            RangeResponse last =
                    store.range(
                            RangeRequest.newBuilder().setKey(StoreKeys.key(keyCount - 1)).build());
            System.out.printf(
                    "reopened: open %.1f ms, heap %.1f MiB in use after open (%.1f MiB before),"
                            + " RSS %.1f MiB, revision %d, last key found: %s%n",
                    openNanos / 1e6,
                    heapAfter / 1048576.0,
                    heapBefore / 1048576.0,
                    residentBytes() / 1048576.0,
                    store.state().revision(),
                    last.getCount() == 1);
            measureCompaction(store, keyCount, valueBytes);
        }
        if (args.length <= 2) {
            StoreKeys.deleteRecursively(directory);
        }
    }

    private static long load(Path directory, long keyCount, int valueBytes) {
        SplittableRandom random = new SplittableRandom(1);
        long start = System.nanoTime();
        try (MvccStore store = MvccStore.open(directory)) {
            long index = 0;
            for (long first = 0; first < keyCount; first += LOAD_BATCH) {
                try (ApplyBatch batch = store.beginBatch(lease -> false)) {
                    for (long n = first; n < Math.min(keyCount, first + LOAD_BATCH); n++) {
                        batch.put(StoreKeys.put(n, random, valueBytes));
                    }
                    batch.commit(++index, 1);
                }
            }
        }
        return System.nanoTime() - start;
    }

    /**
     * Overwrites every tenth key, compacts at the newest revision, then removes the old versions in
     * steps of {@link #COMPACTION_STEP_CHANGES} changes and reports the steps' durations, then
     * defragments.
     */
    private static void measureCompaction(MvccStore store, long keyCount, int valueBytes) {
        SplittableRandom random = new SplittableRandom(2);
        long index = store.state().appliedIndex();
        for (long first = 0; first < keyCount; first += LOAD_BATCH * 10L) {
            try (ApplyBatch batch = store.beginBatch(lease -> false)) {
                for (long n = first; n < Math.min(keyCount, first + LOAD_BATCH * 10L); n += 10) {
                    batch.put(StoreKeys.put(n, random, valueBytes));
                }
                batch.commit(++index, 1);
            }
        }
        try (ApplyBatch batch = store.beginBatch(lease -> false)) {
            batch.compact(
                    CompactionRequest.newBuilder().setRevision(store.state().revision()).build());
            batch.commit(++index, 1);
        }
        long steps = 0;
        long maxStepNanos = 0;
        long deleted = 0;
        long start = System.nanoTime();
        CompactionProgress progress;
        do {
            long stepStart = System.nanoTime();
            progress = store.compactStep(COMPACTION_STEP_CHANGES);
            maxStepNanos = Math.max(maxStepNanos, System.nanoTime() - stepStart);
            deleted += progress.deletedCount();
            steps++;
        } while (!progress.isDone());
        long totalNanos = System.nanoTime() - start;
        long sizeBefore = store.dbSizeBytes();
        long defragStart = System.nanoTime();
        store.defragment();
        System.out.printf(
                "compaction: %d steps of %d changes, %.2f ms per step on average, %.2f ms the"
                        + " longest, %d versions deleted in %.1f s; defragment %.1f s, db %.1f ->"
                        + " %.1f MiB%n",
                steps,
                COMPACTION_STEP_CHANGES,
                totalNanos / 1e6 / steps,
                maxStepNanos / 1e6,
                deleted,
                totalNanos / 1e9,
                (System.nanoTime() - defragStart) / 1e9,
                sizeBefore / 1048576.0,
                store.dbSizeBytes() / 1048576.0);
    }

    /**
     * Wall time, and the loading thread's CPU time (which contention for cores does not inflate).
     */
    private static void report(
            long keyCount, int valueBytes, Path directory, long nanos, long cpuNanos) {
        System.out.printf(
                "loaded %d keys of %d-byte values in %.1f s: %.0f puts/s (%.0f per CPU-second of"
                        + " the loading thread), batches of %d; disk %.1f MiB%n",
                keyCount,
                valueBytes,
                nanos / 1e9,
                keyCount / (nanos / 1e9),
                keyCount / (cpuNanos / 1e9),
                LOAD_BATCH,
                StoreKeys.directoryBytes(directory) / 1048576.0);
    }

    private static long usedHeapBytes() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The process's resident set (Linux), or -1 elsewhere. */
    private static long residentBytes() throws Exception {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }
}
