package io.etcetera.bench.report;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/**
 * The latencies and errors of one kind of request (one etcd report), recorded while a load run
 * lasts.
 *
 * <p>Latencies go into an HdrHistogram in nanoseconds with three significant digits, so every
 * figure derived from it is within 0.1% of the exact one; a latency above
 * {@link #LATENCY_NANOS_MAX} is recorded as that maximum. Errors are counted by message, as etcd's
 * report does. The run's elapsed time is from {@link #start} to the last record, which is how etcd
 * computes requests per second.
 *
 * <p>Thread-safe: gRPC callback threads record concurrently; {@link #summarize} is meant for after
 * recording stopped, {@link #completedCount} for any time.
 */
public final class LatencyRecorder {
    /** Latencies above this are recorded as this: no request of a bounded run takes an hour. */
    public static final long LATENCY_NANOS_MAX = TimeUnit.HOURS.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final String name;
    private final ConcurrentHistogram latencyNanos =
            new ConcurrentHistogram(1, LATENCY_NANOS_MAX, SIGNIFICANT_DIGITS);
    private final Map<String, LongAdder> errorCounts = new ConcurrentHashMap<>();
    /** Successes and errors; read by the progress bar. */
    private final LongAdder completed = new LongAdder();
    private final LongAccumulator lastRecordNanos = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private volatile long startNanos;
    private volatile boolean started;

    /** A recorder whose summary carries {@code name} (etcd's names: "put", "range", ...). */
    public LatencyRecorder(String name) {
        this.name = name;
    }

    /**
     * Marks the start of the measured interval, from which requests per second count, and forgets
     * anything recorded before (a warm-up). No request may be recording at the time.
     */
    public void start(long nowNanos) {
        latencyNanos.reset();
        errorCounts.clear();
        completed.reset();
        lastRecordNanos.reset();
        startNanos = nowNanos;
        started = true;
    }

    /** Records one success that took {@code latencyNanos} and ended at {@code endNanos}. */
    public void recordLatency(long endNanos, long latencyNanos) {
        this.latencyNanos.recordValue(Math.min(Math.max(latencyNanos, 0), LATENCY_NANOS_MAX));
        lastRecordNanos.accumulate(endNanos);
        completed.increment();
    }

    /** Records one failure, counted under its message. */
    public void recordError(long endNanos, String message) {
        errorCounts.computeIfAbsent(message, key -> new LongAdder()).increment();
        lastRecordNanos.accumulate(endNanos);
        completed.increment();
    }

    /** Successes plus errors so far. */
    public long completedCount() {
        return completed.sum();
    }

    /** This recorder's name. */
    public String name() {
        return name;
    }

    /** The summary of everything recorded so far. */
    public Summary summarize() {
        if (!started) {
            throw new IllegalStateException("recorder " + name + " summarized before start()");
        }
        long last = lastRecordNanos.get();
        long elapsedNanos = last == Long.MIN_VALUE ? 0 : Math.max(0, last - startNanos);
        Map<String, Long> errors = new TreeMap<>();
        errorCounts.forEach((message, count) -> errors.put(message, count.sum()));
        return Summary.of(name, latencyNanos.copy(), elapsedNanos, errors);
    }
}
