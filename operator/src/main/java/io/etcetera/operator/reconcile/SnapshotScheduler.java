package io.etcetera.operator.reconcile;

import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.EtcdSnapshot;
import io.etcetera.operator.crd.EtcdSnapshotSpec;
import io.etcetera.operator.crd.SnapshotSchedule;
import io.etcetera.operator.model.Labels;
import io.etcetera.operator.plan.CronSchedule;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Scheduled snapshots of one cluster: creates the EtcdSnapshot for the latest cron time not yet
 * taken (named after that time, so a repeated pass creates nothing new), and keeps only the newest
 * {@code retention} successful ones, deleting the older files and resources.
 */
final class SnapshotScheduler {

    private static final DateTimeFormatter NAME_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);
    private static final int DEFAULT_RETENTION = 3;

    private final KubernetesClient client;
    private final SnapshotStores stores;

    SnapshotScheduler(KubernetesClient client, SnapshotStores stores) {
        this.client = client;
        this.stores = stores;
    }

    /** Snapshots taken of {@code cluster}, scheduled or not. */
    List<EtcdSnapshot> snapshotsOf(EtcdCluster cluster) {
        return client.resources(EtcdSnapshot.class)
                .inNamespace(cluster.getMetadata().getNamespace()).list().getItems().stream()
                .filter(s -> s.getSpec() != null
                        && cluster.getMetadata().getName().equals(s.getSpec().cluster()))
                .toList();
    }

    /** Name of the newest successful snapshot, if any. */
    static Optional<String> newestSucceeded(List<EtcdSnapshot> snapshots) {
        return snapshots.stream().filter(SnapshotScheduler::succeeded)
                .max(Comparator.comparing(s -> s.getStatus().completionTime()))
                .map(s -> s.getMetadata().getName());
    }

    /** Creates the due snapshot, if any; returns its name. */
    Optional<String> createDue(EtcdCluster cluster, SnapshotSchedule schedule,
            List<EtcdSnapshot> existing, Instant now) {
        Optional<Instant> due = CronSchedule.parse(schedule.schedule()).latestAtOrBefore(now);
        Instant created = Instant.parse(cluster.getMetadata().getCreationTimestamp());
        if (due.isEmpty() || due.get().isBefore(created)) {
            return Optional.empty();
        }
        String name = cluster.getMetadata().getName() + "-" + NAME_TIME.format(due.get());
        if (existing.stream().anyMatch(s -> s.getMetadata().getName().equals(name))) {
            return Optional.empty();
        }
        var snapshot = new EtcdSnapshot();
        snapshot.setMetadata(new ObjectMetaBuilder().withName(name)
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(Map.of(Labels.SCHEDULED_FOR, cluster.getMetadata().getName()))
                .withOwnerReferences(new OwnerReferenceBuilder()
                        .withApiVersion(cluster.getApiVersion()).withKind(cluster.getKind())
                        .withName(cluster.getMetadata().getName())
                        .withUid(cluster.getMetadata().getUid()).build())
                .build());
        snapshot.setSpec(new EtcdSnapshotSpec(cluster.getMetadata().getName(),
                schedule.destination()));
        client.resource(snapshot).create();
        return Optional.of(name);
    }

    /** Deletes scheduled snapshots beyond the newest {@code retention} successful ones. */
    List<String> enforceRetention(EtcdCluster cluster, SnapshotSchedule schedule,
            List<EtcdSnapshot> existing) {
        int keep = schedule.retention() != null ? schedule.retention() : DEFAULT_RETENTION;
        List<EtcdSnapshot> old = existing.stream()
                .filter(s -> cluster.getMetadata().getName().equals(
                        s.getMetadata().getLabels() == null ? null
                                : s.getMetadata().getLabels().get(Labels.SCHEDULED_FOR)))
                .filter(SnapshotScheduler::succeeded)
                .sorted(Comparator.comparing((EtcdSnapshot s) -> s.getStatus().completionTime())
                        .reversed())
                .skip(keep)
                .toList();
        for (EtcdSnapshot s : old) {
            try {
                stores.open(s.getSpec().destination(), s.getMetadata().getNamespace())
                        .delete(SnapshotStores.pathFor(s.getSpec().destination(),
                                s.getMetadata().getName()));
            } catch (IOException e) {
                throw new UncheckedIOException("deleting snapshot " + s.getMetadata().getName(), e);
            }
            client.resource(s).delete();
        }
        return old.stream().map(s -> s.getMetadata().getName()).toList();
    }

    private static boolean succeeded(EtcdSnapshot s) {
        return s.getStatus() != null && "Succeeded".equals(s.getStatus().phase())
                && s.getStatus().completionTime() != null;
    }
}
