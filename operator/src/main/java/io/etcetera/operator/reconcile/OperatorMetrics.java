package io.etcetera.operator.reconcile;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The operator's own metrics on /metrics: reconcile passes and their durations per resource kind,
 * steps taken by kind, and per cluster its members, ready members and the leader changes seen.
 * Thread-safe: meters are; per-cluster gauge values live in a concurrent map.
 */
@ApplicationScoped
public class OperatorMetrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void reconciled(String kind, Duration took, boolean failed) {
        Timer.builder("etcetera_operator_reconcile_duration")
                .description("Duration of one reconcile pass")
                .tags("kind", kind, "result", failed ? "error" : "ok")
                .register(registry).record(took);
    }

    public void stepTaken(String namespace, String cluster, String step) {
        Counter.builder("etcetera_operator_steps")
                .description("Steps the operator took, by kind")
                .tags("namespace", namespace, "cluster", cluster, "step", step)
                .register(registry).increment();
    }

    public void leaderChanged(String namespace, String cluster) {
        Counter.builder("etcetera_cluster_leader_changes_seen")
                .description("Leader changes the operator observed between passes")
                .tags("namespace", namespace, "cluster", cluster)
                .register(registry).increment();
    }

    public void members(String namespace, String cluster, int members, int ready) {
        gauge("etcetera_cluster_members", namespace, cluster).set(members);
        gauge("etcetera_cluster_ready_members", namespace, cluster).set(ready);
    }

    private AtomicLong gauge(String name, String namespace, String cluster) {
        return gauges.computeIfAbsent(name + "/" + namespace + "/" + cluster, key -> {
            AtomicLong value = new AtomicLong();
            registry.gauge(name, Tags.of("namespace", namespace, "cluster", cluster), value);
            return value;
        });
    }
}
