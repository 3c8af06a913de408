package io.etcetera.bench.raft;

import com.google.protobuf.ByteString;
import io.etcetera.invariants.Invariants;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Committed proposals per second through the Raft engine alone: a 3-member {@link LoopCluster}
 * in memory, on one thread, no disk, no network, no clock. Each operation proposes a batch at the
 * leader and runs the cluster until every member applied it, so the score (ops/s, one op per
 * proposal) is the engine's ceiling for that batch size: with a batch of 1 every proposal pays a
 * whole round (append, acknowledgements, commit), with larger batches a round carries many
 * entries in one append per follower, as the server's raft loop does when proposals queue up.
 *
 * <p>{@code java -cp bench/target/etcetera-bench.jar org.openjdk.jmh.Main RaftLoopBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RaftLoopBenchmark {

    static final int BATCH_SMALL = 16;
    static final int BATCH_LARGE = 256;

    @Param({"128", "1024"})
    public int entryBytes;

    private LoopCluster cluster;
    private ByteString data;

    @Setup(Level.Trial)
    public void start() {
        cluster = new LoopCluster();
        byte[] bytes = new byte[entryBytes];
        new SplittableRandom(entryBytes).nextBytes(bytes);
        data = ByteString.copyFrom(bytes);
    }

    @Benchmark
    public long oneProposalPerRound() {
        return round(1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_SMALL)
    public long batchOf16() {
        return round(BATCH_SMALL);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH_LARGE)
    public long batchOf256() {
        return round(BATCH_LARGE);
    }

    /** Proposes {@code proposals} entries and settles; checks that every one committed. */
    private long round(int proposals) {
        long before = cluster.committedProposals();
        for (int i = 0; i < proposals; i++) {
            cluster.propose(data);
        }
        cluster.settle();
        long committed = cluster.committedProposals() - before;
        Invariants.check(committed == proposals, "%d proposals, %d committed", proposals,
                committed);
        return committed;
    }
}
