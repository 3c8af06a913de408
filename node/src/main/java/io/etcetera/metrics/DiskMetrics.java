package io.etcetera.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * etcd's {@code etcd_disk_*} metrics: WAL fsync latency and bytes, backend commit, defragment and
 * snapshot latency, with etcd 3.4's buckets. Static, as etcd's package-level collectors: the WAL
 * and the backend record here without a reference to the member. Thread-safe.
 */
public final class DiskMetrics {

    /** etcd's {@code warnSyncDuration}: an fdatasync slower than this is logged. */
    public static final Duration SLOW_FSYNC = Duration.ofSeconds(1);

    /** {@code etcd_disk_wal_fsync_duration_seconds}: each fdatasync of the WAL. */
    public static final LatencyHistogram WAL_FSYNC = new LatencyHistogram(Histograms.timer(
            "etcd_disk_wal_fsync_duration_seconds", "Latency of the WAL's fdatasync calls.",
            Histograms.exponential(0.001, 2, 14), Tags.empty()));

    /** {@code etcd_disk_backend_commit_duration_seconds}: each write batch the store commits. */
    public static final LatencyHistogram BACKEND_COMMIT = new LatencyHistogram(Histograms.timer(
            "etcd_disk_backend_commit_duration_seconds",
            "Latency of the backend's batch commits.", Histograms.exponential(0.001, 2, 14),
            Tags.empty()));

    /** {@code etcd_disk_backend_defrag_duration_seconds}: each defragmentation. */
    public static final LatencyHistogram BACKEND_DEFRAG = new LatencyHistogram(Histograms.timer(
            "etcd_disk_backend_defrag_duration_seconds", "Latency of backend defragmentation.",
            Histograms.exponential(0.1, 2, 13), Tags.empty()));

    /** {@code etcd_disk_backend_snapshot_duration_seconds}: each backend snapshot sent. */
    public static final LatencyHistogram BACKEND_SNAPSHOT = new LatencyHistogram(Histograms.timer(
            "etcd_disk_backend_snapshot_duration_seconds", "Latency of backend snapshots.",
            Histograms.exponential(0.01, 2, 17), Tags.empty()));

    /** Bytes appended to the WAL; etcd 3.4 exports this counter as a gauge, and so do we. */
    private static final LongAdder WAL_WRITE_BYTES = new LongAdder();

    /** Defragmentations running now (0 or 1 in practice). */
    private static final AtomicInteger DEFRAG_INFLIGHT = new AtomicInteger();

    static {
        Gauge.builder("etcd_disk_wal_write_bytes_total", WAL_WRITE_BYTES, LongAdder::sum)
                .description("Bytes written to the WAL.").register(EtcdRegistry.REGISTRY);
        Gauge.builder("etcd_disk_defrag_inflight", DEFRAG_INFLIGHT, AtomicInteger::get)
                .description("1 while a defragmentation runs on this member, else 0.")
                .register(EtcdRegistry.REGISTRY);
    }

    private DiskMetrics() {}

    /** The WAL appended {@code bytes}. */
    public static void walWritten(long bytes) {
        WAL_WRITE_BYTES.add(bytes);
    }

    /** A defragmentation starts; returns the start for {@link #defragEnded}. */
    public static long defragStarted() {
        DEFRAG_INFLIGHT.incrementAndGet();
        return BACKEND_DEFRAG.start();
    }

    /** The defragmentation begun at {@code startNanos} ended, well or not. */
    public static void defragEnded(long startNanos) {
        BACKEND_DEFRAG.observe(startNanos);
        DEFRAG_INFLIGHT.decrementAndGet();
    }
}
