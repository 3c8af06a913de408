package io.etcetera.bench;

import com.google.protobuf.ByteString;
import io.etcetera.bench.load.ChannelPool;
import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.KeySpace;
import io.etcetera.bench.load.RateLimiter;
import io.etcetera.bench.load.WatchStream;
import io.etcetera.bench.report.LatencyRecorder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code watch}: as etcd's {@code benchmark watch}, {@code --streams} streams each create
 * {@code --watch-per-stream} watchers over {@code --watched-key-total} keys (watcher {@code g}
 * watches key {@code g % watched-key-total}), then the clients put {@code --put-total} times to
 * the watched keys in turn, and every watcher of a key receives each of its puts. Reports
 * "watch-create" (creation latency), "watch-put" and "watch-events" (the primary: events per
 * second, and per-event latency from the put's start; see {@link WatchStream}). Runs on the main
 * thread.
 */
@Command(name = "watch", description = "Benchmark watch")
final class WatchCommand extends LoadCommand {
    @Mixin
    private WatchOptions watch;

    @Option(names = "--watch-per-stream", defaultValue = "100",
            description = "Total watchers per stream")
    private int watchersPerStream;

    @Option(names = "--watched-key-total", defaultValue = "1",
            description = "Total number of keys to be watched")
    private int watchedKeyCount;

    @Option(names = "--put-rate", defaultValue = "0",
            description = "Number of keys to put per second (0 is no limit)")
    private double putsPerSecond;

    @Option(names = "--key-space-size", defaultValue = "1", description = "Maximum possible keys")
    private long keyCount;

    @Option(names = "--sequential-keys", description = "Use sequential keys")
    private boolean sequentialKeys;

    @Override
    public Integer call() throws InterruptedException {
        if (watch.streamCount < 1 || watchersPerStream < 1 || watchedKeyCount < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--streams, --watch-per-stream and --watched-key-total must be at least 1");
        }
        KeySpace keySpace = new KeySpace("", watch.keyBytes, keyCount, sequentialKeys);
        List<ByteString> watched = new ArrayList<>();
        for (int i = 0; i < watchedKeyCount; i++) {
            watched.add(keySpace.key(i));
        }
        List<List<ByteString>> keysPerStream = new ArrayList<>();
        Map<ByteString, Long> watchersPerKey = new HashMap<>();
        for (int s = 0; s < watch.streamCount; s++) {
            List<ByteString> keys = new ArrayList<>();
            for (int j = 0; j < watchersPerStream; j++) {
                ByteString key = watched.get((s * watchersPerStream + j) % watchedKeyCount);
                keys.add(key);
                watchersPerKey.merge(key, 1L, Long::sum);
            }
            keysPerStream.add(keys);
        }
        long eventsExpectedMax = 0;
        for (long i = 0; i < watch.putTotal; i++) {
            eventsExpectedMax += watchersPerKey.get(watched.get((int) (i % watchedKeyCount)));
        }
        LatencyRecorder creations = new LatencyRecorder("watch-create");
        LatencyRecorder puts = new LatencyRecorder("watch-put");
        LatencyRecorder events = new LatencyRecorder("watch-events");
        try (ChannelPool channels = benchmark.openChannels()) {
            WatchPhases phases = new WatchPhases(channels, benchmark.progressOut(), events);
            phases.createWatchers(keysPerStream, false, creations);
            ClosedLoop loop = new ClosedLoop(benchmark.clientCount(), watch.putTotal,
                    RateLimiter.perSecond(putsPerSecond), watch.durationMax);
            phases.putAndAwaitEvents(loop, benchmark.clientCount(),
                    sequence -> watched.get((int) (sequence % watchedKeyCount)),
                    watchersPerKey::get, WatchStream.SEND_NANOS_BYTES, eventsExpectedMax, puts);
            return benchmark.printReport(spec, events.name(),
                    List.of(creations.summarize(), puts.summarize(), events.summarize()),
                    phases.warnings());
        }
    }
}
