package io.etcetera.operator.reconcile;

import io.etcetera.operator.crd.EtcdCluster;
import io.etcetera.operator.crd.EtcdClusterStatus;
import io.etcetera.operator.crd.EtcdSnapshot;
import io.etcetera.operator.crd.VolumeReclaimPolicy;
import io.etcetera.operator.etcd.EtcdMembers;
import io.etcetera.operator.etcd.MemberCallException;
import io.etcetera.operator.kube.EventRecorder;
import io.etcetera.operator.kube.KubeObjects;
import io.etcetera.operator.model.ClusterModel;
import io.etcetera.operator.model.Labels;
import io.etcetera.operator.model.MemberCommands;
import io.etcetera.operator.plan.Desired;
import io.etcetera.operator.plan.Planner;
import io.etcetera.operator.plan.Step;
import io.etcetera.operator.status.ClusterStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Reconciles one EtcdCluster per pass, as named steps: apply the Services and the disruption
 * budget, observe, plan one step, act on it, schedule snapshots, then write status only if it
 * changed. Passes repeat every few seconds while a change is under way and on every Pod event.
 */
@ControllerConfiguration(name = "etcdcluster")
public class EtcdClusterReconciler implements Reconciler<EtcdCluster> {

    private static final Logger LOG = Logger.getLogger(EtcdClusterReconciler.class);

    private final KubeObjects kube;
    private final EventRecorder events;
    private final ClusterObserver observer;
    private final StepExecutor executor;
    private final SnapshotScheduler scheduler;
    private final OperatorMetrics metrics;
    private final OperatorConfig config;
    private final MemberCommands commands;
    private final InstantSource clock;

    public EtcdClusterReconciler(KubernetesClient client, EtcdMembers members,
            OperatorConfig config, OperatorMetrics metrics, InstantSource clock) {
        this.kube = new KubeObjects(client);
        this.events = new EventRecorder(client);
        this.observer = new ClusterObserver(kube, members);
        this.executor = new StepExecutor(kube, members);
        this.scheduler = new SnapshotScheduler(client, new SnapshotStores(client,
                Path.of(config.snapshotVolumeRoot()), clock));
        this.metrics = metrics;
        this.config = config;
        this.commands = new MemberCommands(config.member().command(),
                config.member().restoreCommand(), config.member().s3FetchImage());
        this.clock = clock;
    }

    @Override
    public List<EventSource<?, EtcdCluster>> prepareEventSources(
            EventSourceContext<EtcdCluster> context) {
        var pods = InformerEventSourceConfiguration.from(Pod.class, EtcdCluster.class)
                .withLabelSelector(Labels.MANAGED_BY + "=" + Labels.OPERATOR).build();
        return List.of(new InformerEventSource<>(pods, context));
    }

    @Override
    public UpdateControl<EtcdCluster> reconcile(EtcdCluster cluster, Context<EtcdCluster> context) {
        Instant started = clock.instant();
        ClusterModel model = new ClusterModel(cluster, commands);
        applyServices(model);
        applyDisruptionBudget(model);
        ClusterPass pass = observer.observe(model, commands, cluster.getStatus());
        Step step = Planner.next(desired(model), pass.observation(), started);
        Step taken = act(cluster, step, pass, started);
        List<EtcdSnapshot> snapshots = scheduleSnapshots(cluster, model, pass, started);
        EtcdClusterStatus next = ClusterStatusBuilder.afterPass(cluster.getStatus(),
                cluster.getMetadata().getGeneration(), model.spec().size(), pass.observation(),
                pass.revisions(), pass.clusterId(), taken, started);
        next = ClusterStatusBuilder.withLastSnapshot(next,
                SnapshotScheduler.newestSucceeded(snapshots).orElse(next.lastSnapshot()));
        recordMetrics(cluster, next);
        metrics.reconciled("EtcdCluster", Duration.between(started, clock.instant()), false);
        UpdateControl<EtcdCluster> control = patchStatusIfChanged(cluster, next);
        return control.rescheduleAfter(interval(taken));
    }

    @Override
    public ErrorStatusUpdateControl<EtcdCluster> updateErrorStatus(EtcdCluster cluster,
            Context<EtcdCluster> context, Exception e) {
        Instant now = clock.instant();
        LOG.warnf(e, "reconcile of %s/%s failed", cluster.getMetadata().getNamespace(),
                cluster.getMetadata().getName());
        events.warning(cluster, "ReconcileFailed", String.valueOf(e.getMessage()), now);
        metrics.reconciled("EtcdCluster", Duration.ZERO, true);
        cluster.setStatus(ClusterStatusBuilder.afterError(cluster.getStatus(),
                cluster.getMetadata().getGeneration(), e, now));
        return ErrorStatusUpdateControl.patchStatus(cluster);
    }

    private void applyServices(ClusterModel model) {
        kube.apply(model.peerService());
        kube.apply(model.clientService());
    }

    private void applyDisruptionBudget(ClusterModel model) {
        kube.apply(model.podDisruptionBudget());
    }

    private Desired desired(ClusterModel model) {
        var spec = model.spec();
        return new Desired(model.name(), spec.size(), spec.paused(), spec.restoreFrom().isPresent(),
                Duration.ofSeconds(spec.unhealthyMemberGraceSeconds()),
                config.catchUpEntriesMax(),
                spec.reclaimPolicy() == VolumeReclaimPolicy.Delete);
    }

    /**
     * Executes {@code step}; a member refusing it (e.g. etcd's "unhealthy cluster" right after a
     * membership change) is expected and retried next pass, so it becomes a Warning Event and a
     * Progressing wait rather than an error.
     */
    private Step act(EtcdCluster cluster, Step step, ClusterPass pass, Instant now) {
        if (step instanceof Step.Wait) {
            return step;
        }
        try {
            executor.execute(step, pass);
        } catch (MemberCallException e) {
            events.warning(cluster, "StepRefused", step.describe() + ": " + e.getMessage(), now);
            return new Step.Wait(Step.Health.PROGRESSING, step.describe() + " refused, retrying: "
                    + e.getMessage());
        }
        LOG.infof("%s/%s: %s", cluster.getMetadata().getNamespace(),
                cluster.getMetadata().getName(), step.describe());
        events.normal(cluster, step.getClass().getSimpleName(), step.describe(), now);
        metrics.stepTaken(cluster.getMetadata().getNamespace(), cluster.getMetadata().getName(),
                step.getClass().getSimpleName());
        return step;
    }

    private List<EtcdSnapshot> scheduleSnapshots(EtcdCluster cluster, ClusterModel model,
            ClusterPass pass, Instant now) {
        List<EtcdSnapshot> snapshots = scheduler.snapshotsOf(cluster);
        var schedule = model.spec().snapshots();
        boolean available = pass.observation().membershipKnown()
                && pass.observation().healthyVoterCount() > 0;
        if (schedule.isPresent() && available && !model.spec().paused()) {
            scheduler.createDue(cluster, schedule.get(), snapshots, now).ifPresent(name ->
                    events.normal(cluster, "TakeSnapshot", "created EtcdSnapshot " + name, now));
            scheduler.enforceRetention(cluster, schedule.get(), snapshots).forEach(name ->
                    events.normal(cluster, "SnapshotExpired", "deleted EtcdSnapshot " + name, now));
        }
        return snapshots;
    }

    private void recordMetrics(EtcdCluster cluster, EtcdClusterStatus next) {
        String namespace = cluster.getMetadata().getNamespace();
        String name = cluster.getMetadata().getName();
        var prior = cluster.getStatus();
        if (prior != null && prior.leader() != null && next.leader() != null
                && !prior.leader().equals(next.leader())) {
            metrics.leaderChanged(namespace, name);
        }
        metrics.members(namespace, name, next.members() == null ? 0 : next.members().size(),
                next.readyMembers() == null ? 0 : next.readyMembers());
    }

    private static UpdateControl<EtcdCluster> patchStatusIfChanged(EtcdCluster cluster,
            EtcdClusterStatus next) {
        if (Objects.equals(cluster.getStatus(), next)) {
            return UpdateControl.noUpdate();
        }
        cluster.setStatus(next);
        return UpdateControl.patchStatus(cluster);
    }

    private Duration interval(Step taken) {
        boolean stable = taken instanceof Step.Wait w && w.health() == Step.Health.STABLE;
        return stable ? config.steadyInterval() : config.progressInterval();
    }
}
