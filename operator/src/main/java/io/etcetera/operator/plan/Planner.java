package io.etcetera.operator.plan;

import io.etcetera.operator.model.MemberName;
import io.etcetera.operator.model.Quorum;
import io.etcetera.operator.plan.Step.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Chooses the next step for one cluster. Stateless and pure; rules in priority order:
 * <ol>
 *   <li>paused: wait;
 *   <li>membership unknown: bootstrap a never-bootstrapped cluster (or finish an interrupted
 *       bootstrap), else restart members that have a volume but no Pod, else wait (Degraded);
 * <li>housekeeping that cannot cost quorum: create missing Pods of listed members, delete Pods and
 *       claims of members etcd no longer lists;
 *   <li>quorum lost: wait (Degraded) — no membership change can commit, and none would be safe;
 *   <li>replace a failed member (volume gone, or unready past the grace period);
 *   <li>promote a caught-up learner, or wait for it;
 *   <li>scale up by one learner, or scale down by one voter (leader moved away first);
 *   <li>roll one stale Pod, followers first, the leader last;
 *   <li>otherwise the cluster is stable.
 * </ol>
 */
public final class Planner {

    private Planner() {}

    public static Step next(Desired desired, Observation observed, Instant now) {
        if (desired.paused()) {
            return new Step.Wait(Health.STABLE, "paused");
        }
        if (!observed.membershipKnown()) {
            return withoutMembership(desired, observed, now);
        }
        Optional<Step> housekeeping = housekeeping(desired, observed);
        if (housekeeping.isPresent()) {
            return housekeeping.get();
        }
        int voterCount = observed.voters().size();
        long healthy = observed.healthyVoterCount();
        if (healthy < Quorum.of(voterCount)) {
            return new Step.Wait(Health.DEGRADED, "quorum lost: " + healthy + " of " + voterCount
                    + " voters healthy; restore the unhealthy members' pods or volumes, or rebuild "
                    + "the cluster from a snapshot (bootstrap.fromSnapshot)");
        }
        Optional<Step> replace = replaceFailed(desired, observed, now);
        if (replace.isPresent()) {
            return replace.get();
        }
        List<ObservedMember> learners = observed.learners();
        if (!learners.isEmpty()) {
            return promoteOrWait(desired, observed, learners.get(0));
        }
        if (voterCount < desired.size()) {
            return healthy == voterCount
                    ? new Step.AddLearner(observed.nextMember(desired.cluster()))
                    : new Step.Wait(Health.PROGRESSING, "scale up waits for every voter healthy");
        }
        if (voterCount > desired.size()) {
            return scaleDown(observed);
        }
        return roll(observed).orElseGet(() -> new Step.Wait(Health.STABLE, "stable"));
    }

    private static Step withoutMembership(Desired desired, Observation observed, Instant now) {
        if (!observed.bootstrapped() && observed.members().isEmpty()) {
            return new Step.Bootstrap(observed.nextMember(desired.cluster()),
                    desired.restoreFromSnapshot());
        }
        if (!observed.bootstrapped() && observed.members().size() == 1
                && !observed.members().get(0).podExists()) {
            // A Bootstrap interrupted between its claim and its Pod: finish it. Were the claim
            // to hold data after all, the member ignores the new-cluster flags and keeps it.
            return new Step.Bootstrap(observed.members().get(0).name(),
                    desired.restoreFromSnapshot());
        }
        List<MemberName> known = observed.members().stream()
                .filter(m -> m.volumeExists() || m.podExists()).map(ObservedMember::name).toList();
        for (ObservedMember m : observed.members()) {
            if (!m.podExists() && m.volumeExists()) {
                return new Step.CreatePod(m.name(), known);
            }
        }
        boolean starting = observed.members().stream().anyMatch(m -> m.podExists()
                && m.unreadySince() != null
                && Duration.between(m.unreadySince(), now).compareTo(desired.unhealthyGrace()) < 0);
        return starting
                ? new Step.Wait(Health.PROGRESSING, "waiting for a member to answer")
                : new Step.Wait(Health.DEGRADED, "no member answers MemberList; restore the "
                        + "members' pods and volumes, or rebuild from a snapshot");
    }

    private static Optional<Step> housekeeping(Desired desired, Observation observed) {
        for (ObservedMember m : observed.members()) {
            if (m.inCluster() && !m.podExists() && (m.volumeExists() || !m.started())) {
                return Optional.of(new Step.CreatePod(m.name(), observed.clusterMembers()));
            }
        }
        for (ObservedMember m : observed.members()) {
            if (!m.inCluster() && m.podExists()) {
                return Optional.of(new Step.DeletePod(m.name()));
            }
        }
        for (ObservedMember m : observed.members()) {
            if (desired.deleteRemovedVolumes() && !m.inCluster() && m.volumeExists()) {
                return Optional.of(new Step.DeleteVolume(m.name()));
            }
        }
        return Optional.empty();
    }

    private static Optional<Step> replaceFailed(Desired desired, Observation observed,
            Instant now) {
        int voterCount = observed.voters().size();
        long healthy = observed.healthyVoterCount();
        for (ObservedMember m : observed.members()) {
            if (!m.inCluster()) {
                continue;
            }
            String why = failure(m, desired.unhealthyGrace(), now);
            if (why == null) {
                continue;
            }
            // Removing a voter shrinks the quorum; the healthy voters must still form one.
            boolean safe = m.learner()
                    || healthy - (m.healthy() ? 1 : 0) >= Quorum.of(voterCount - 1);
            if (safe && voterCount - (m.learner() ? 0 : 1) >= 1) {
                return Optional.of(new Step.ReplaceMember(m.name(), m.id(), why));
            }
        }
        return Optional.empty();
    }

    /** Why {@code m} must be replaced, or null when it is not (yet) failed. */
    private static String failure(ObservedMember m, Duration grace, Instant now) {
        if (m.started() && !m.podExists() && !m.volumeExists()) {
            return "volume lost";
        }
        if (m.healthy() || m.unreadySince() == null) {
            return null;
        }
        Duration unready = Duration.between(m.unreadySince(), now);
        return unready.compareTo(grace) >= 0 ? "unhealthy for " + unready.toSeconds() + "s" : null;
    }

    private static Step promoteOrWait(Desired desired, Observation observed, ObservedMember l) {
        long leaderIndex = observed.leader().map(ObservedMember::raftIndex).orElse(Long.MAX_VALUE);
        boolean caughtUp = l.healthy()
                && l.raftIndex() + desired.catchUpEntriesMax() >= leaderIndex;
        int voterCount = observed.voters().size();
        boolean safe = observed.healthyVoterCount() + 1 >= Quorum.of(voterCount + 1);
        if (caughtUp && safe) {
            return new Step.PromoteLearner(l.name(), l.id());
        }
        return new Step.Wait(Health.PROGRESSING, "learner " + l.name() + " catching up");
    }

    private static Step scaleDown(Observation observed) {
        List<ObservedMember> voters = observed.voters();
        ObservedMember victim = voters.stream()
                .max(Comparator.comparing((ObservedMember m) -> !m.healthy())
                        .thenComparing(ObservedMember::name))
                .orElseThrow();
        long healthyAfter = observed.healthyVoterCount() - (victim.healthy() ? 1 : 0);
        if (healthyAfter < Quorum.of(voters.size() - 1)) {
            return new Step.Wait(Health.PROGRESSING, "scale down waits: removing " + victim.name()
                    + " would leave " + healthyAfter + " healthy voters");
        }
        if (victim.leader()) {
            return moveLeaderAway(observed, victim, m -> true);
        }
        return new Step.RemoveMember(victim.name(), victim.id());
    }

    private static Optional<Step> roll(Observation observed) {
        List<ObservedMember> voters = observed.voters();
        List<ObservedMember> stale = voters.stream().filter(m -> !m.podCurrent()).toList();
        if (stale.isEmpty()) {
            return Optional.empty();
        }
        long healthy = observed.healthyVoterCount();
        if (healthy < voters.size()) {
            return Optional.of(new Step.Wait(Health.PROGRESSING,
                    "rolling waits for every member healthy"));
        }
        if (voters.size() > 1 && healthy - 1 < Quorum.of(voters.size())) {
            return Optional.of(new Step.Wait(Health.PROGRESSING, "rolling would lose quorum"));
        }
        // Followers first (highest ordinal first), the leader last.
        ObservedMember next = stale.stream()
                .max(Comparator.comparing((ObservedMember m) -> !m.leader())
                        .thenComparing(ObservedMember::name))
                .orElseThrow();
        if (next.leader() && voters.size() > 1) {
            return Optional.of(moveLeaderAway(observed, next, ObservedMember::podCurrent));
        }
        return Optional.of(new Step.RollPod(next.name()));
    }

    private static Step moveLeaderAway(Observation observed, ObservedMember leader,
            java.util.function.Predicate<ObservedMember> preferred) {
        List<ObservedMember> candidates = observed.voters().stream()
                .filter(m -> !m.leader() && m.healthy()).toList();
        ObservedMember to = candidates.stream().filter(preferred).findFirst()
                .orElse(candidates.isEmpty() ? null : candidates.get(0));
        if (to == null) {
            return new Step.Wait(Health.PROGRESSING, "no healthy voter to take leadership");
        }
        return new Step.MoveLeader(leader.name(), to.name(), to.id());
    }
}
