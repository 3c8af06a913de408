package io.etcetera.metrics;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;

/**
 * The process's one meter registry, as etcd registers every metric on Prometheus's default
 * registry: meters that count events are static fields of the metrics classes, resolved once, so
 * a hot path only increments; gauges that read a running member are registered by that member and
 * removed when it stops. One member per process is the deployment etcd and Etcetera have; several
 * members in one JVM (tests) share the counters.
 *
 * <p>{@link #scrape()} renders Prometheus's text format; the client port serves it at {@code
 * /metrics}. Thread-safe.
 */
public final class EtcdRegistry {

    /** Every meter of the process; the process metrics ({@link ProcessMetrics}) are bound. */
    public static final PrometheusMeterRegistry REGISTRY = create();

    private EtcdRegistry() {}

    private static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new ProcessMetrics().bindTo(registry);
        return registry;
    }

    /** Every meter in Prometheus's text exposition format 0.0.4. */
    public static String scrape() {
        return REGISTRY.scrape();
    }
}
