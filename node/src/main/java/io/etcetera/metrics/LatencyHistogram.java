package io.etcetera.metrics;

import io.micrometer.core.instrument.Timer;

import java.util.concurrent.TimeUnit;

/**
 * One latency histogram, timed by its caller: {@code long start = h.start(); ...work...;
 * h.observe(start)}. The clock is read here, so packages that may not read a clock (the WAL, the
 * backend) can still time their I/O. Recording allocates nothing. Thread-safe.
 */
public final class LatencyHistogram {

    private final Timer timer;

    LatencyHistogram(Timer timer) {
        this.timer = timer;
    }

    /** The start of one observation (a monotonic reading, in nanoseconds). */
    public long start() {
        return System.nanoTime();
    }

    /** Records the time since {@code startNanos} and returns it, in nanoseconds. */
    public long observe(long startNanos) {
        long tookNanos = System.nanoTime() - startNanos;
        timer.record(tookNanos, TimeUnit.NANOSECONDS);
        return tookNanos;
    }

    /** Records an observation measured elsewhere. */
    public void record(long tookNanos) {
        timer.record(tookNanos, TimeUnit.NANOSECONDS);
    }

    /** Observations so far (for tests). */
    public long count() {
        return timer.count();
    }
}
