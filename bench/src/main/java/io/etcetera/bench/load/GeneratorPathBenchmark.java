package io.etcetera.bench.load;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.PutRequest;
import io.etcetera.bench.report.LatencyRecorder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: what the load generator itself adds to each request besides gRPC: making a put's key and
 * request, and recording a latency from several threads at once. Run with
 * {@code java -cp bench/target/etcetera-bench.jar org.openjdk.jmh.Main GeneratorPathBenchmark}.
 * JMH owns the threads; the state is shared by them, as the recorder is in a run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class GeneratorPathBenchmark {
    private KeySpace keySpace;
    private ByteString value;
    private LatencyRecorder recorder;
    private long sequence;

    /** A 100,000-key space of 8-byte keys, a 256-byte value, a started recorder. */
    @Setup
    public void setUp() {
        keySpace = new KeySpace("", 8, 100_000, true);
        value = ByteString.copyFrom(new byte[256]);
        recorder = new LatencyRecorder("put");
        recorder.start(System.nanoTime());
    }

    /** The put request of the next sequence number, as the put command builds it. */
    @Benchmark
    public PutRequest putRequest() {
        return PutRequest.newBuilder().setKey(keySpace.key(sequence++)).setValue(value).build();
    }

    /** One latency recorded while three other threads record too. */
    @Benchmark
    @Threads(4)
    public void recordLatency() {
        long nowNanos = System.nanoTime();
        recorder.recordLatency(nowNanos, 1_234_567);
    }
}
