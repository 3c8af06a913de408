package io.etcetera.bench;

import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.Operation;
import io.etcetera.bench.load.RateLimiter;
import io.etcetera.bench.report.LatencyRecorder;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How much load a closed-loop command sends: etcd's {@code --total} and {@code --rate}, and two
 * flags etcd lacks: {@code --max-duration} bounds a run's time whatever the server's speed, so a
 * comparison script never waits on a slow target; {@code --warmup} first runs the same load
 * unmeasured, so that the JVM has compiled the generator's hot path before measuring (etcd's Go
 * tool has no such start-up cost). Filled by picocli; read on the main thread.
 */
final class LoadOptions {
    @Option(names = "--total", defaultValue = "10000", description = "Total number of requests")
    long requestTotal;

    @Option(names = "--rate", defaultValue = "0",
            description = "Maximum requests per second (0 is no limit)")
    double requestsPerSecond;

    @Option(names = "--max-duration",
            description = "Stop starting requests after this long, e.g. 10s (default: no limit)")
    Duration durationMax;

    @Option(names = "--warmup",
            description = "Run the load this long unmeasured first, e.g. 2s (default: no warm-up)")
    Duration warmup;

    /**
     * Runs {@code operation} from the benchmark's clients as these options say: the warm-up if
     * any, then the measured loop with a progress bar, whose recorders start when it starts.
     * Returns the measured loop (for its warnings).
     */
    ClosedLoop run(String label, Benchmark benchmark, Operation operation,
            LatencyRecorder... recorders) throws InterruptedException {
        int clientCount = benchmark.clientCount();
        if (warmup != null && !warmup.isZero()) {
            new ClosedLoop(clientCount, Long.MAX_VALUE, RateLimiter.perSecond(requestsPerSecond),
                    warmup).run(operation, recorders);
        }
        ClosedLoop loop = new ClosedLoop(clientCount, requestTotal,
                RateLimiter.perSecond(requestsPerSecond), durationMax);
        loop.runWithProgress(label, operation, benchmark.progressOut(), recorders);
        return loop;
    }
}
