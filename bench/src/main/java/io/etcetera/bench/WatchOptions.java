package io.etcetera.bench;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The flags etcd's {@code watch} and {@code watch-latency} share, with their common defaults.
 * Filled by picocli; read on the main thread.
 */
final class WatchOptions {
    @Option(names = "--streams", defaultValue = "10", description = "Total watch streams")
    int streamCount;

    @Option(names = "--put-total", defaultValue = "1000", description = "Number of put requests")
    long putTotal;

    @Option(names = "--key-size", defaultValue = "32", description = "Key size of watched keys")
    int keyBytes;

    @Option(names = "--max-duration",
            description = "Stop starting puts after this long, e.g. 10s (default: no limit)")
    Duration durationMax;
}
