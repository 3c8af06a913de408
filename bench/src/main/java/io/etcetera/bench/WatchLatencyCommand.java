package io.etcetera.bench;

import com.google.protobuf.ByteString;
import io.etcetera.bench.load.ChannelPool;
import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.RateLimiter;
import io.etcetera.bench.load.WatchStream;
import io.etcetera.bench.report.LatencyRecorder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code watch-latency}: as etcd's {@code benchmark watch-latency}, {@code --streams} ×
 * {@code --watchers-per-stream} watchers watch one random key while one client puts to it
 * {@code --put-total} times at {@code --put-rate} per second. Reports "watch-latency-put" and
 * "watch-latency-events" (the primary): the time from each put's start to each watcher receiving
 * its event (etcd's tool measures from the put's response; see {@link WatchStream}). Runs on the
 * main thread.
 */
@Command(name = "watch-latency", description = "Benchmark watch latency")
final class WatchLatencyCommand extends LoadCommand {
    private static final long KEY_SEED = 0xCAFE;

    @Mixin
    private WatchOptions watch;

    @Option(names = "--watchers-per-stream", defaultValue = "10",
            description = "Total watchers per stream")
    private int watchersPerStream;

    @Option(names = "--prevkv", description = "PrevKV enabled on watch requests")
    private boolean prevKv;

    @Option(names = "--put-rate", defaultValue = "100",
            description = "Number of keys to put per second (0 is no limit)")
    private double putsPerSecond;

    @Option(names = "--val-size", defaultValue = "32",
            description = "Value size of watch response (at least 8: it carries the put's time)")
    private int valueBytes;

    @Override
    public Integer call() throws InterruptedException {
        if (watch.streamCount < 1 || watchersPerStream < 1 || watch.keyBytes < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--streams, --watchers-per-stream and --key-size must be at least 1");
        }
        byte[] randomKey = new byte[watch.keyBytes];
        new SplittableRandom(KEY_SEED).nextBytes(randomKey);
        ByteString key = ByteString.copyFrom(randomKey);
        List<List<ByteString>> keysPerStream = new ArrayList<>();
        for (int s = 0; s < watch.streamCount; s++) {
            keysPerStream.add(Collections.nCopies(watchersPerStream, key));
        }
        long watcherCount = (long) watch.streamCount * watchersPerStream;
        LatencyRecorder creations = new LatencyRecorder("watch-latency-create");
        LatencyRecorder puts = new LatencyRecorder("watch-latency-put");
        LatencyRecorder events = new LatencyRecorder("watch-latency-events");
        try (ChannelPool channels = benchmark.openChannels()) {
            WatchPhases phases = new WatchPhases(channels, benchmark.progressOut(), events);
            phases.createWatchers(keysPerStream, prevKv, creations);
            ClosedLoop loop = new ClosedLoop(
                    1, watch.putTotal, RateLimiter.perSecond(putsPerSecond), watch.durationMax);
            phases.putAndAwaitEvents(loop, 1, sequence -> key, anyKey -> watcherCount,
                    valueBytes, watch.putTotal * watcherCount, puts);
            return benchmark.printReport(spec, events.name(),
                    List.of(puts.summarize(), events.summarize()), phases.warnings());
        }
    }
}
