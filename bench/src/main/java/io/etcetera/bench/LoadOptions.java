package io.etcetera.bench;

import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.RateLimiter;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How much load a closed-loop command sends: etcd's {@code --total} and {@code --rate}, and
 * {@code --max-duration}, which etcd lacks: it bounds a run's time whatever the server's speed,
 * so a comparison script never waits on a slow target. Filled by picocli; read on the main thread.
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

    /** A loop of these options over {@code clientCount} clients. */
    ClosedLoop closedLoop(int clientCount) {
        return new ClosedLoop(clientCount, requestTotal, RateLimiter.perSecond(requestsPerSecond),
                durationMax);
    }
}
