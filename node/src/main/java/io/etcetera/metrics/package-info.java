/**
 * Micrometer meters under etcd's metric names, types, labels and histogram buckets, so etcd's
 * dashboards and alert rules work unchanged; and the structured form of log messages.
 *
 * <p>One Prometheus registry per process ({@link io.etcetera.metrics.EtcdRegistry}), as etcd's
 * default Prometheus registry: the counters and histograms of events are static fields resolved
 * once ({@link io.etcetera.metrics.ServerMetrics}, {@link io.etcetera.metrics.DiskMetrics},
 * {@link io.etcetera.metrics.MvccMetrics}), so the packages that report (wal, backend, mvcc,
 * server, transport) only increment or record, allocating nothing; gauges that read a running
 * component are registered and removed as a {@link io.etcetera.metrics.MeterGroup}; gRPC calls
 * are counted by an interceptor ({@link io.etcetera.metrics.GrpcServerMetrics}); the process
 * metrics come from the JVM and {@code /proc} ({@code ProcessMetrics}). The client port renders
 * the registry at {@code /metrics} on a thread of its own.
 *
 * <p>A leaf: imports only {@code invariants} and libraries (Micrometer, gRPC's API, the etcd API
 * types for counting txns). It reads a monotonic clock ({@code System.nanoTime}) to time
 * operations for packages that may not read one themselves. Thread-safe throughout.
 */
package io.etcetera.metrics;
