package io.etcetera.metrics;

import io.etcetera.invariants.Invariants;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;

/**
 * Latency histograms with etcd's bucket bounds (Prometheus's {@code ExponentialBuckets} and {@code
 * DefBuckets}), so that etcd's dashboards and alerts, which read {@code le} labels, find the same
 * buckets here. A Micrometer timer with service-level objectives and no percentiles is exported as
 * a Prometheus histogram ({@code _bucket}, {@code _sum}, {@code _count}; Micrometer adds a {@code
 * _max} gauge beside it). Stateless.
 */
final class Histograms {

    /** Prometheus's {@code DefBuckets}, which go-grpc-prometheus uses for handling times. */
    static final double[] DEFAULT_SECONDS = {
        .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10
    };

    private Histograms() {}

    /**
     * {@code count} bounds from {@code startSeconds}, each {@code factor} times the one before
     * (Prometheus's {@code ExponentialBuckets}).
     */
    static Duration[] exponential(double startSeconds, double factor, int count) {
        Invariants.check(startSeconds > 0 && factor > 1 && count > 0,
                "exponential buckets from %s by %s, %d of them", startSeconds, factor, count);
        Duration[] bounds = new Duration[count];
        double seconds = startSeconds;
        for (int i = 0; i < count; i++) {
            bounds[i] = Duration.ofNanos(Math.round(seconds * 1e9));
            seconds *= factor;
        }
        return bounds;
    }

    static Duration[] seconds(double[] bounds) {
        Duration[] durations = new Duration[bounds.length];
        for (int i = 0; i < bounds.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(bounds[i] * 1e9));
        }
        return durations;
    }

    /** A histogram named {@code name} (ending in {@code _seconds}) with {@code bounds}. */
    static Timer timer(String name, String help, Duration[] bounds, Tags tags) {
        Invariants.check(name.endsWith("_seconds"), "histogram %s is not in seconds", name);
        return Timer.builder(name).description(help).tags(tags).serviceLevelObjectives(bounds)
                .register(EtcdRegistry.REGISTRY);
    }
}
