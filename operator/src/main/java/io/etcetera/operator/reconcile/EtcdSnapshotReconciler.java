package io.etcetera.operator.reconcile;

import io.etcetera.operator.backup.SnapshotStore;
import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.EtcdSnapshot;
import io.etcetera.operator.crd.MemberStatus;
import io.etcetera.operator.etcd.EtcdMembers;
import io.etcetera.operator.etcd.MemberEndpoint;
import io.etcetera.operator.kube.EventRecorder;
import io.etcetera.operator.kube.KubeObjects;
import io.etcetera.operator.model.MemberName;
import io.etcetera.operator.model.ResolvedSpec;
import io.etcetera.operator.status.SnapshotStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Comparator;

/**
 * Takes one snapshot per EtcdSnapshot, then leaves it alone: find the cluster, pick a ready voter
 * (a follower if there is one, to spare the leader), stream {@code Maintenance.Snapshot} into the
 * destination with etcd's digest checked, and record revision, size, SHA-256 and location.
 * Failures are retried (Pending) and become Failed on the last attempt.
 */
@ControllerConfiguration(name = "etcdsnapshot")
public class EtcdSnapshotReconciler implements Reconciler<EtcdSnapshot> {

    private final KubernetesClient client;
    private final KubeObjects kube;
    private final EtcdMembers members;
    private final SnapshotStores stores;
    private final EventRecorder events;
    private final OperatorMetrics metrics;
    private final InstantSource clock;

    public EtcdSnapshotReconciler(KubernetesClient client, EtcdMembers members,
            OperatorConfig config, OperatorMetrics metrics, InstantSource clock) {
        this.client = client;
        this.kube = new KubeObjects(client);
        this.members = members;
        this.stores = new SnapshotStores(client, Path.of(config.snapshotVolumeRoot()), clock);
        this.events = new EventRecorder(client);
        this.metrics = metrics;
        this.clock = clock;
    }

    @Override
    public UpdateControl<EtcdSnapshot> reconcile(EtcdSnapshot snapshot,
            Context<EtcdSnapshot> context) throws Exception {
        if (SnapshotStatusBuilder.isTerminal(snapshot.getStatus())) {
            return UpdateControl.noUpdate();
        }
        Instant started = clock.instant();
        EtcdCluster cluster = findCluster(snapshot);
        MemberName member = pickMember(cluster);
        MemberEndpoint endpoint = MemberEndpoints.load(kube, cluster.getMetadata().getNamespace(),
                ResolvedSpec.of(cluster.getSpec())).of(member);
        var destination = snapshot.getSpec().destination();
        SnapshotStore store = stores.open(destination, snapshot.getMetadata().getNamespace());
        var stored = store.write(SnapshotStores.pathFor(destination,
                snapshot.getMetadata().getName()), out -> members.snapshot(endpoint, out));
        Instant now = clock.instant();
        snapshot.setStatus(SnapshotStatusBuilder.succeeded(snapshot.getMetadata().getGeneration(),
                stored.result(), stored.location(), member.value(), started, now));
        events.normal(snapshot, "SnapshotTaken", "revision " + stored.result().revision()
                + ", " + stored.result().sizeBytes() + " bytes, sha256 "
                + stored.result().sha256() + " at " + stored.location(), now);
        metrics.reconciled("EtcdSnapshot", Duration.between(started, now), false);
        return UpdateControl.patchStatus(snapshot);
    }

    @Override
    public ErrorStatusUpdateControl<EtcdSnapshot> updateErrorStatus(EtcdSnapshot snapshot,
            Context<EtcdSnapshot> context, Exception e) {
        boolean last = context.getRetryInfo().map(RetryInfo::isLastAttempt).orElse(true);
        Instant now = clock.instant();
        snapshot.setStatus(SnapshotStatusBuilder.failed(snapshot.getStatus(),
                snapshot.getMetadata().getGeneration(), e, last, now));
        events.warning(snapshot, last ? "SnapshotFailed" : "SnapshotRetrying",
                String.valueOf(e.getMessage()), now);
        metrics.reconciled("EtcdSnapshot", Duration.ZERO, true);
        var control = ErrorStatusUpdateControl.patchStatus(snapshot);
        return last ? control.withNoRetry() : control;
    }

    private EtcdCluster findCluster(EtcdSnapshot snapshot) {
        String name = snapshot.getSpec() == null ? null : snapshot.getSpec().cluster();
        EtcdCluster cluster = name == null ? null : client.resources(EtcdCluster.class)
                .inNamespace(snapshot.getMetadata().getNamespace()).withName(name).get();
        if (cluster == null) {
            throw new IllegalArgumentException("EtcdCluster " + name + " not found in "
                    + snapshot.getMetadata().getNamespace());
        }
        return cluster;
    }

    private static MemberName pickMember(EtcdCluster cluster) {
        String name = cluster.getMetadata().getName();
        return (cluster.getStatus() == null || cluster.getStatus().members() == null
                ? java.util.List.<MemberStatus>of() : cluster.getStatus().members()).stream()
                .filter(m -> Boolean.TRUE.equals(m.ready()) && !Boolean.TRUE.equals(m.learner()))
                .sorted(Comparator.comparing((MemberStatus m) -> Boolean.TRUE.equals(m.leader())))
                .map(m -> MemberName.parse(name, m.name()))
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("EtcdCluster " + name
                        + " has no ready voting member to snapshot"));
    }
}
