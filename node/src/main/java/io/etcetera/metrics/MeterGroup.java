package io.etcetera.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.ToDoubleFunction;

/**
 * Meters that read one running component (a member, a peer link), registered together and removed
 * together when it stops, so a later component in the same process (a restart in a test) registers
 * its own. Values are read only when {@code /metrics} is scraped; the component keeps no meter
 * state. A scrape never reads a closed component: reading holds the group's read lock, and {@link
 * #close} takes the write lock, so once it returns the component may release what the meters read
 * (a closed RocksDB must never be asked for a property). Registration and {@link #close} run on
 * the component's owner thread; reading on the scrape thread.
 */
public final class MeterGroup implements AutoCloseable {

    private final List<Meter> meters = new ArrayList<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** Guarded by {@link #lock}. */
    private boolean closed;

    /** A gauge reading {@code value} of {@code source}, which the group keeps reachable. */
    public <T> MeterGroup gauge(
            String name, String help, Tags tags, T source, ToDoubleFunction<T> value) {
        meters.add(Gauge.builder(name, source, guarded(value)).description(help).tags(tags)
                .strongReference(true).register(EtcdRegistry.REGISTRY));
        return this;
    }

    /** A counter whose total is {@code total} of {@code source}, which must never decrease. */
    public <T> MeterGroup counter(
            String name, String help, Tags tags, T source, ToDoubleFunction<T> total) {
        meters.add(FunctionCounter.builder(name, source, guarded(total)).description(help)
                .tags(tags).register(EtcdRegistry.REGISTRY));
        return this;
    }

    /**
     * A latency histogram with {@code count} exponential buckets from {@code startSeconds} by
     * {@code factor} (Prometheus's {@code ExponentialBuckets}).
     */
    public LatencyHistogram latency(String name, String help, Tags tags, double startSeconds,
            double factor, int count) {
        Timer timer = Histograms.timer(
                name, help, Histograms.exponential(startSeconds, factor, count), tags);
        meters.add(timer);
        return new LatencyHistogram(timer);
    }

    /** etcd's info gauges: constant 1, the information in the label. */
    public MeterGroup info(String name, String help, String label, String value) {
        return gauge(name, help, Tags.of(label, value), this, group -> 1);
    }

    /** {@code value}, or NaN once the group is closed. */
    private <T> ToDoubleFunction<T> guarded(ToDoubleFunction<T> value) {
        return source -> {
            lock.readLock().lock();
            try {
                return closed ? Double.NaN : value.applyAsDouble(source);
            } finally {
                lock.readLock().unlock();
            }
        };
    }

    /**
     * Removes every meter of the group from the registry and waits for reads in progress. After it
     * returns no meter of the group reads its source again. Idempotent.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closed = true;
        } finally {
            lock.writeLock().unlock();
        }
        meters.forEach(EtcdRegistry.REGISTRY::remove);
        meters.clear();
    }
}
