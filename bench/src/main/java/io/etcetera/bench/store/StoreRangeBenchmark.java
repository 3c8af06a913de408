package io.etcetera.bench.store;

import io.etcd.jetcd.api.RangeRequest;
import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.MvccStore;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Range throughput of the store alone, in ranges per second, over {@code keyCount} keys of {@code
 * valueBytes} random bytes, each key written twice (so every key has an older version to skip): a
 * single-key get of a random key, and a prefix range returning one namespace of {@link
 * StoreKeys#KEYS_PER_NAMESPACE} pairs. Each read opens its own view, as a gRPC call does; the
 * threaded variant runs two readers at once.
 *
 * <p>{@code java -cp <bench classpath> org.openjdk.jmh.Main StoreRangeBenchmark -f 1 -wi 2 -i 3}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StoreRangeBenchmark {

    private static final int LOAD_BATCH = 1000;

    @Param({"100000"})
    public long keyCount;

    @Param({"256"})
    public int valueBytes;

    private Path directory;
    private MvccStore store;

    @Setup(Level.Trial)
    public void load() {
        directory = StoreKeys.temporaryDirectory("store-range");
        store = MvccStore.open(directory);
        SplittableRandom random = new SplittableRandom(1);
        long index = 0;
        for (int round = 0; round < 2; round++) {
            for (long first = 0; first < keyCount; first += LOAD_BATCH) {
                try (ApplyBatch batch = store.beginBatch(lease -> false)) {
                    for (long n = first; n < Math.min(keyCount, first + LOAD_BATCH); n++) {
                        batch.put(StoreKeys.put(n, random, valueBytes));
                    }
                    batch.commit(++index, 1);
                }
            }
        }
        store.flush();
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
        StoreKeys.deleteRecursively(directory);
    }

    /** Per-thread randomness, so threads do not contend on it. */
    @State(Scope.Thread)
    public static class Reader {
        final SplittableRandom random = new SplittableRandom(Thread.currentThread().getId());
    }

    @Benchmark
    public Object getOneKey(Reader reader) {
        return store.range(
                RangeRequest.newBuilder()
                        .setKey(StoreKeys.key(reader.random.nextLong(keyCount)))
                        .build());
    }

    @Benchmark
    public Object rangeOneNamespace(Reader reader) {
        return store.range(namespace(reader));
    }

    @Benchmark
    @Threads(2)
    public Object rangeOneNamespaceTwoThreads(Reader reader) {
        return store.range(namespace(reader));
    }

    private RangeRequest namespace(Reader reader) {
        long namespace = reader.random.nextLong(keyCount / StoreKeys.KEYS_PER_NAMESPACE);
        var prefix = StoreKeys.namespacePrefix(namespace);
        return RangeRequest.newBuilder()
                .setKey(prefix)
                .setRangeEnd(StoreKeys.prefixEnd(prefix))
                .build();
    }
}
