package io.etcetera.operator.plan;

import static io.etcetera.operator.plan.Members.T0;
import static io.etcetera.operator.plan.Members.learner;
import static io.etcetera.operator.plan.Members.orphan;
import static io.etcetera.operator.plan.Members.voter;
import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.operator.model.MemberName;
import io.etcetera.operator.plan.Step.Health;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Table tests: one observation, the step the planner must choose. */
class PlannerTest {

    private static final Duration GRACE = Duration.ofSeconds(120);

    private static Desired size(int size) {
        return new Desired(Members.CLUSTER, size, false, false, GRACE, 1000, true);
    }

    private static Observation known(Members... members) {
        List<ObservedMember> list = Arrays.stream(members).map(Members::build).toList();
        int next = list.stream().mapToInt(m -> m.name().ordinal()).max().orElse(-1) + 1;
        return new Observation(list, true, true, next);
    }

    private static MemberName m(int ordinal) {
        return new MemberName(Members.CLUSTER, ordinal);
    }

    @Test
    void emptyClusterIsBootstrappedWithItsFirstMember() {
        var step = Planner.next(size(3), new Observation(List.of(), false, false, 0), T0);
        assertThat(step).isEqualTo(new Step.Bootstrap(m(0), false));
    }

    @Test
    void aClusterThatExistedIsNeverBootstrappedAgain() {
        var step = Planner.next(size(3), new Observation(List.of(), false, true, 3), T0);
        assertThat(step).isInstanceOf(Step.Wait.class);
        assertThat(((Step.Wait) step).health()).isEqualTo(Health.DEGRADED);
    }

    @Test
    void aBootstrapInterruptedBetweenClaimAndPodIsFinishedWithTheSameMember() {
        var claimOnly = orphan(0).noPod().build();
        var step = Planner.next(size(3), new Observation(List.of(claimOnly), false, false, 1), T0);
        assertThat(step).isEqualTo(new Step.Bootstrap(m(0), false));
    }

    @Test
    void aBootstrappedClusterWithOneClaimLeftIsRestartedNotBootstrapped() {
        var claimOnly = orphan(0).noPod().build();
        var step = Planner.next(size(3), new Observation(List.of(claimOnly), false, true, 1), T0);
        assertThat(step).isEqualTo(new Step.CreatePod(m(0), List.of(m(0))));
    }

    @Test
    void scaleUpAddsOneLearnerWithTheNextOrdinal() {
        var step = Planner.next(size(3), known(voter(0).leader()), T0);
        assertThat(step).isEqualTo(new Step.AddLearner(m(1)));
    }

    @Test
    void anAddedLearnerGetsItsPodWithTheCurrentMembership() {
        var step = Planner.next(size(3), known(voter(0).leader(), learner(1).unstarted()), T0);
        assertThat(step).isEqualTo(new Step.CreatePod(m(1), List.of(m(0), m(1))));
    }

    @Test
    void aCaughtUpLearnerIsPromoted() {
        var step = Planner.next(size(3), known(voter(0).leader().raftIndex(5000),
                learner(1).raftIndex(4500)), T0);
        assertThat(step).isEqualTo(new Step.PromoteLearner(m(1), 1001));
    }

    @Test
    void aLaggingLearnerIsWaitedFor() {
        var step = Planner.next(size(3), known(voter(0).leader().raftIndex(5000),
                learner(1).raftIndex(10)), T0);
        assertThat(step).isInstanceOf(Step.Wait.class);
    }

    @Test
    void scaleDownRemovesTheHighestFollower() {
        var step = Planner.next(size(3), known(voter(0).leader(), voter(1), voter(2), voter(3),
                voter(4)), T0);
        assertThat(step).isEqualTo(new Step.RemoveMember(m(4), 1004));
    }

    @Test
    void scaleDownMovesLeadershipAwayFromTheVictimFirst() {
        var step = Planner.next(size(1), known(voter(0), voter(1).leader()), T0);
        assertThat(step).isEqualTo(new Step.MoveLeader(m(1), m(0), 1000));
    }

    @Test
    void aRemovedMembersPodIsDeleted() {
        var step = Planner.next(size(3), known(voter(0).leader(), voter(1), voter(2), orphan(3)),
                T0);
        assertThat(step).isEqualTo(new Step.DeletePod(m(3)));
    }

    @Test
    void aMemberUnreadyPastTheGracePeriodIsReplaced() {
        var step = Planner.next(size(3), known(voter(0).leader(), voter(1),
                voter(2).down(T0.minus(GRACE))), T0);
        assertThat(step).isInstanceOf(Step.ReplaceMember.class);
        assertThat(((Step.ReplaceMember) step).member()).isEqualTo(m(2));
    }

    @Test
    void aMemberUnreadyWithinTheGracePeriodIsLeftAlone() {
        var step = Planner.next(size(3), known(voter(0).leader(), voter(1),
                voter(2).down(T0.minusSeconds(5))), T0);
        assertThat(step).isInstanceOf(Step.Wait.class);
    }

    @Test
    void aMemberWhoseVolumeIsLostIsReplaced() {
        var step = Planner.next(size(3), known(voter(0).leader(), voter(1),
                voter(2).noPod().noVolume()), T0);
        assertThat(step).isEqualTo(new Step.ReplaceMember(m(2), 1002, "volume lost"));
    }

    @Test
    void aMemberWhosePodIsGoneButVolumeRemainsIsRestarted() {
        var step = Planner.next(size(3), known(voter(0).leader(), voter(1), voter(2).noPod()), T0);
        assertThat(step).isEqualTo(new Step.CreatePod(m(2), List.of(m(0), m(1), m(2))));
    }

    @Test
    void withQuorumLostNothingIsRemoved() {
        var step = Planner.next(size(3), known(voter(0).leader(),
                voter(1).down(T0.minusSeconds(600)), voter(2).down(T0.minusSeconds(600))), T0);
        assertThat(step).isInstanceOf(Step.Wait.class);
        assertThat(((Step.Wait) step).health()).isEqualTo(Health.DEGRADED);
        assertThat(((Step.Wait) step).reason()).contains("quorum lost");
    }

    @Test
    void rollingRestartsFollowersBeforeTheLeader() {
        var step = Planner.next(size(3), known(voter(0).leader().stale(), voter(1).stale(),
                voter(2)), T0);
        assertThat(step).isEqualTo(new Step.RollPod(m(1)));
    }

    @Test
    void rollingMovesLeadershipToAnUpdatedMemberBeforeRestartingTheLeader() {
        var step = Planner.next(size(3), known(voter(0).leader().stale(), voter(1), voter(2)), T0);
        assertThat(step).isEqualTo(new Step.MoveLeader(m(0), m(1), 1001));
    }

    @Test
    void rollingWaitsWhileAnyMemberIsUnhealthy() {
        var step = Planner.next(size(3), known(voter(0).leader().stale(), voter(1).stale(),
                voter(2).down(T0.minusSeconds(1))), T0);
        assertThat(step).isInstanceOf(Step.Wait.class);
    }

    @Test
    void pausedClustersAreLeftAlone() {
        var paused = new Desired(Members.CLUSTER, 5, true, false, GRACE, 1000, true);
        assertThat(Planner.next(paused, known(voter(0).leader()), T0))
                .isEqualTo(new Step.Wait(Health.STABLE, "paused"));
    }

    @Test
    void aStableClusterWaits() {
        assertThat(Planner.next(size(3), known(voter(0).leader(), voter(1), voter(2)), T0))
                .isEqualTo(new Step.Wait(Health.STABLE, "stable"));
    }
}
