package io.etcetera.metrics;

import io.micrometer.core.instrument.Counter;

import java.time.Duration;

/**
 * etcd's {@code etcd_server_*} counters of events, counted where they happen (the raft loop, the
 * apply thread, the read-index batcher). The gauges that read the member's state (leader, indexes,
 * quota, identity) are registered by the member itself in a {@link MeterGroup}. Static, as etcd's
 * package-level counters. Thread-safe; counting allocates nothing.
 */
public final class ServerMetrics {

    /** etcd's {@code warnApplyDuration}: applying one request slower than this is logged. */
    public static final Duration SLOW_APPLY = Duration.ofMillis(100);

    public static final Counter PROPOSALS_FAILED = counter(
            "etcd_server_proposals_failed_total",
            "Proposals that failed: dropped by Raft or timed out before they were applied.");
    public static final Counter HEARTBEAT_SEND_FAILURES = counter(
            "etcd_server_heartbeat_send_failures_total",
            "Heartbeats the leader sent late (an overloaded leader, often a slow disk).");
    public static final Counter SLOW_APPLY_TOTAL = counter(
            "etcd_server_slow_apply_total",
            "Requests whose apply took longer than 100ms (often a slow disk).");
    public static final Counter SLOW_READ_INDEXES = counter(
            "etcd_server_slow_read_indexes_total",
            "Read-index requests not answered in time, sent again.");
    public static final Counter READ_INDEXES_FAILED = counter(
            "etcd_server_read_indexes_failed_total",
            "Read-index requests that failed (timed out).");

    private ServerMetrics() {}

    private static Counter counter(String name, String help) {
        return Counter.builder(name).description(help).register(EtcdRegistry.REGISTRY);
    }

    /** The start of one apply, for {@link #applied}. */
    public static long applyStarted() {
        return System.nanoTime();
    }

    /**
     * One request applied since {@code startNanos}; returns how long it took when that was slow
     * (and counts it), else 0.
     */
    public static long applied(long startNanos) {
        long tookNanos = System.nanoTime() - startNanos;
        if (tookNanos <= SLOW_APPLY.toNanos()) {
            return 0;
        }
        SLOW_APPLY_TOTAL.increment();
        return tookNanos;
    }
}
