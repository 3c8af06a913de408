package io.etcetera.bench.store;

import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.MvccStore;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Put throughput of the store alone, in puts per second: apply batches (the group commits the apply
 * thread makes) of one put, and of {@link #BATCH} puts. Keys are drawn from {@code keySpace} keys,
 * so some puts create keys and some update them; values are {@code valueBytes} random bytes.
 *
 * <p>{@code java -cp <bench classpath> org.openjdk.jmh.Main StorePutBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StorePutBenchmark {

    static final int BATCH = 100;

    @Param({"256"})
    public int valueBytes;

    @Param({"1000000"})
    public long keySpace;

    private Path directory;
    private MvccStore store;
    private SplittableRandom random;
    private long appliedIndex;

    @Setup(Level.Trial)
    public void open() {
        directory = StoreKeys.temporaryDirectory("store-put");
        store = MvccStore.open(directory);
        random = new SplittableRandom(1);
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        StoreKeys.deleteRecursively(directory);
    }

    @Benchmark
    public void batchOfOnePut(Blackhole blackhole) {
        applyBatch(1, blackhole);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batchOfHundredPuts(Blackhole blackhole) {
        applyBatch(BATCH, blackhole);
    }

    private void applyBatch(int puts, Blackhole blackhole) {
        try (ApplyBatch batch = store.beginBatch(lease -> false)) {
            for (int i = 0; i < puts; i++) {
                blackhole.consume(
                        batch.put(StoreKeys.put(random.nextLong(keySpace), random, valueBytes)));
            }
            blackhole.consume(batch.commit(++appliedIndex, 1));
        }
    }
}
