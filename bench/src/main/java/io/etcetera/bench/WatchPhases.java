package io.etcetera.bench;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcetera.bench.load.ChannelPool;
import io.etcetera.bench.load.ClosedLoop;
import io.etcetera.bench.load.EventTally;
import io.etcetera.bench.load.WatchStream;
import io.etcetera.bench.report.LatencyRecorder;
import io.etcetera.bench.report.ProgressBar;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * The two phases the watch benchmarks share: create the watchers on their streams (measuring each
 * creation), then put to the watched keys and wait until every event those puts cause has
 * arrived (measuring each put and each event). Used once per command, on the main thread.
 */
final class WatchPhases {
    /** How long watcher creation may take before the run goes on without the missing ones. */
    private static final Duration CREATION_WAIT_MAX = Duration.ofSeconds(60);

    private final ChannelPool channels;
    private final PrintWriter progressOut;
    private final LatencyRecorder events;
    private final EventTally tally = new EventTally();
    private final List<WatchStream> streams = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    WatchPhases(ChannelPool channels, PrintWriter progressOut, LatencyRecorder events) {
        this.channels = channels;
        this.progressOut = progressOut;
        this.events = events;
    }

    /**
     * Opens one stream per element of {@code keysPerStream} (stream {@code s} on client
     * {@code s}'s channel) and creates its watchers, one per key; returns when all are created.
     */
    void createWatchers(List<List<ByteString>> keysPerStream, boolean prevKv,
            LatencyRecorder creations) throws InterruptedException {
        int watcherCount = keysPerStream.stream().mapToInt(List::size).sum();
        CountDownLatch uncreated = new CountDownLatch(watcherCount);
        creations.start(System.nanoTime());
        try (ProgressBar bar = ProgressBar.start("watch-create", watcherCount,
                () -> watcherCount - uncreated.getCount(), progressOut)) {
            for (int s = 0; s < keysPerStream.size(); s++) {
                WatchStream stream = new WatchStream(WatchGrpc.newStub(channels.forClient(s)),
                        keysPerStream.get(s), prevKv, creations, events, tally, uncreated);
                streams.add(stream);
                stream.open();
            }
            if (!uncreated.await(CREATION_WAIT_MAX.toNanos(), TimeUnit.NANOSECONDS)) {
                warnings.add(uncreated.getCount() + " of " + watcherCount + " watchers were not"
                        + " created within " + CREATION_WAIT_MAX.toSeconds() + " s");
            }
        }
    }

    /**
     * Runs {@code puts}, request {@code n} putting key {@code keyOf(n)} with a value of
     * {@code valueBytes} that carries its start time, then waits for the events of every
     * successful put ({@code watchersOf(key)} each) and closes the streams.
     */
    void putAndAwaitEvents(ClosedLoop puts, int putClientCount, LongFunction<ByteString> keyOf,
            ToLongFunction<ByteString> watchersOf, int valueBytes, long eventsExpectedMax,
            LatencyRecorder putRecorder) throws InterruptedException {
        List<KVGrpc.KVStub> stubs = channels.stubsPerClient(KVGrpc::newStub, putClientCount);
        LongAdder eventsExpected = new LongAdder();
        try (ProgressBar bar = ProgressBar.start(events.name(), eventsExpectedMax,
                tally::receivedCount, progressOut)) {
            puts.run((client, sequence, done) -> {
                ByteString key = keyOf.apply(sequence);
                PutRequest put = PutRequest.newBuilder()
                        .setKey(key)
                        .setValue(WatchStream.valueSentAt(done.startNanos(), valueBytes))
                        .build();
                stubs.get(client).put(put, done.unaryObserver(putRecorder,
                        () -> eventsExpected.add(watchersOf.applyAsLong(key))));
            }, putRecorder, events);
            warnings.addAll(puts.warnings());
            long expected = eventsExpected.sum();
            if (!tally.awaitAtLeast(expected, ClosedLoop.GRACE_AFTER_DEADLINE)) {
                warnings.add("received " + tally.receivedCount() + " of " + expected
                        + " watch events within " + ClosedLoop.GRACE_AFTER_DEADLINE.toSeconds()
                        + " s after the last put");
            }
        }
        streams.forEach(WatchStream::close);
    }

    /** What made the phases incomplete, if anything. */
    List<String> warnings() {
        return List.copyOf(warnings);
    }
}
