package io.etcetera.operator.status;

import io.etcetera.operator.crd.EtcdClusterStatus;
import io.etcetera.operator.crd.MemberStatus;
import io.etcetera.operator.model.Quorum;
import io.etcetera.operator.plan.Observation;
import io.etcetera.operator.plan.ObservedMember;
import io.etcetera.operator.plan.Step;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Makes an EtcdCluster's next status. The only place that writes one: after a pass
 * ({@link #afterPass}) or after a failed pass ({@link #afterError}, which keeps the observed parts
 * of
 * the prior status and sets Degraded with the error).
 */
public final class ClusterStatusBuilder {

    private ClusterStatusBuilder() {}

    /**
     * @param revisions store revision each reachable member reported, by member name
     * @param clusterId etcd's cluster ID, 0 when no member answered
     */
    public static EtcdClusterStatus afterPass(EtcdClusterStatus prior, long generation,
            int size, Observation observed, Map<String, Long> revisions, long clusterId,
            Step step, Instant now) {
        EtcdClusterStatus p = prior != null ? prior : empty();
        List<MemberStatus> members = observed.members().stream()
                .filter(m -> m.inCluster() || m.podExists())
                .map(m -> new MemberStatus(m.name().value(),
                        m.inCluster() ? Long.toHexString(m.id()) : null,
                        m.podExists() ? m.name().value() : null, m.healthy(), m.leader(),
                        m.learner(), revisions.get(m.name().value())))
                .toList();
        int voters = observed.voters().size();
        long healthy = observed.healthyVoterCount();
        int ready = (int) observed.members().stream().filter(ObservedMember::healthy).count();
        boolean available = observed.membershipKnown() && voters > 0
                && healthy >= Quorum.of(voters);
        boolean degraded = step instanceof Step.Wait w && w.health() == Step.Health.DEGRADED
                || !available && p.members() != null && !p.members().isEmpty();
        boolean progressing = !(step instanceof Step.Wait w2
                && w2.health() != Step.Health.PROGRESSING);
        var conditions = Conditions.set(p.conditions(), Conditions.AVAILABLE, available,
                available ? "QuorumAvailable" : "NoQuorum",
                healthy + " of " + voters + " voters healthy", generation, now);
        conditions = Conditions.set(conditions, Conditions.PROGRESSING, progressing,
                progressing ? reasonOf(step) : "Stable", step.describe(), generation, now);
        conditions = Conditions.set(conditions, Conditions.DEGRADED, degraded,
                degraded ? "QuorumAtRisk" : "AsExpected",
                degraded ? step.describe() : "no member lost", generation, now);
        String leader = observed.leader().map(m -> m.name().value()).orElse(null);
        int nextOrdinal = Math.max(observed.nextOrdinal(),
                p.nextMemberOrdinal() != null ? p.nextMemberOrdinal() : 0);
        return new EtcdClusterStatus(generation, phase(step, available, size, voters), members,
                leader, ready, clusterId != 0 ? Long.toHexString(clusterId) : p.clusterId(),
                conditions, p.lastSnapshot(), nextOrdinal, step.describe());
    }

    /** The prior status with Degraded=True naming the error; members and counts kept. */
    public static EtcdClusterStatus afterError(EtcdClusterStatus prior, long generation,
            Exception error, Instant now) {
        EtcdClusterStatus p = prior != null ? prior : empty();
        String message = error.getMessage() != null ? error.getMessage() : error.toString();
        var conditions = Conditions.set(p.conditions(), Conditions.DEGRADED, true,
                "ReconcileFailed", message, generation, now);
        return new EtcdClusterStatus(generation, "Degraded", p.members(), p.leader(),
                p.readyMembers(), p.clusterId(), conditions, p.lastSnapshot(),
                p.nextMemberOrdinal(), "error: " + message);
    }

    /** The prior status with a new lastSnapshot. */
    public static EtcdClusterStatus withLastSnapshot(EtcdClusterStatus prior, String snapshot) {
        EtcdClusterStatus p = prior != null ? prior : empty();
        return new EtcdClusterStatus(p.observedGeneration(), p.phase(), p.members(), p.leader(),
                p.readyMembers(), p.clusterId(), p.conditions(), snapshot,
                p.nextMemberOrdinal(), p.lastStep());
    }

    private static String phase(Step step, boolean available, int size, int voters) {
        if (step instanceof Step.Wait w) {
            if (w.reason().equals("paused")) {
                return "Paused";
            }
            if (w.health() == Step.Health.DEGRADED) {
                return "Degraded";
            }
        }
        if (!available || step instanceof Step.Bootstrap) {
            return "Creating";
        }
        if (step instanceof Step.ReplaceMember) {
            return "Healing";
        }
        if (step instanceof Step.RollPod) {
            return "Upgrading";
        }
        return voters != size ? "Scaling" : step instanceof Step.Wait ? "Running" : "Reconciling";
    }

    private static String reasonOf(Step step) {
        return step.getClass().getSimpleName();
    }

    private static EtcdClusterStatus empty() {
        return new EtcdClusterStatus(null, null, null, null, null, null, null, null, null, null);
    }
}
