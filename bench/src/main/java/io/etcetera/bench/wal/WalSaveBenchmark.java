package io.etcetera.bench.wal;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.wal.Wal;
import io.etcetera.wal.WalConfig;
import io.etcetera.wal.pb.Metadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link Wal#save} throughput: each operation appends {@code entriesPerSave} entries of
 * {@code entryBytes} data plus a hard state and fdatasyncs once, so ops/s is fsyncs/s; the
 * {@code payloadBytes} counter gives entry data per second. Segments are the real 64 MiB ones, cut
 * and released as the server would ({@code releaseTo} keeps the last 5), so cuts are in the figure.
 * The log lives under {@code -Dwal.bench.dir} (default {@code target/wal-bench}), which must be on
 * the disk to measure. Runs on one thread, as the raft loop does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class WalSaveBenchmark {

    /** How the next segment is zero-filled: in the cut, or ahead on a background thread. */
    public enum Preallocation { IN_CUT, BACKGROUND }

    /** Entry data per second, as a JMH secondary result. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counters {
        public long payloadBytes;

        @Setup(Level.Iteration)
        public void reset() {
            payloadBytes = 0;
        }
    }

    @Param({"128", "1024", "8192"})
    public int entryBytes;

    @Param({"1", "16", "128"})
    public int entriesPerSave;

    @Param({"IN_CUT"})
    public Preallocation preallocation;

    private Path dir;
    private Wal wal;
    private ExecutorService preallocator;
    private ByteString data;
    private final List<Entry> batch = new ArrayList<>();
    private long lastIndex;
    private long releasedIndex;

    @Setup(Level.Trial)
    public void create() throws IOException {
        Path root = Path.of(System.getProperty("wal.bench.dir", "target/wal-bench"));
        Files.createDirectories(root);
        dir = Files.createTempDirectory(root, "wal-");
        Files.delete(dir);
        WalConfig config = WalConfig.DEFAULT;
        if (preallocation == Preallocation.BACKGROUND) {
            preallocator = Executors.newSingleThreadExecutor();
            config = config.withPreallocateExecutor(preallocator);
        }
        wal = Wal.create(dir, Metadata.newBuilder().setMemberId(1).setClusterId(1).build(), config);
        byte[] bytes = new byte[entryBytes];
        new SplittableRandom(entryBytes).nextBytes(bytes);
        data = ByteString.copyFrom(bytes);
    }

    @Benchmark
    public void save(Counters counters) throws IOException {
        batch.clear();
        for (int i = 0; i < entriesPerSave; i++) {
            batch.add(Entry.newBuilder().setTerm(1).setIndex(++lastIndex).setData(data).build());
        }
        wal.save(HardState.newBuilder().setTerm(1).setVote(1).setCommit(lastIndex).build(), batch);
        counters.payloadBytes += (long) entryBytes * entriesPerSave;
        // As after a snapshot: old segments go, so the disk holds a bounded amount.
        if ((lastIndex - releasedIndex) * entryBytes > WalConfig.SEGMENT_BYTES_DEFAULT) {
            wal.releaseTo(lastIndex);
            releasedIndex = lastIndex;
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        wal.close();
        if (preallocator != null) {
            preallocator.shutdownNow();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }
}
