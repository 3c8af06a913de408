package io.etcetera.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.operator.model.MemberName;
import io.etcetera.operator.model.Quorum;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded properties of {@link Planner} over arbitrary observations, including inconsistent ones
 * (pods without members, members without volumes, several learners, no leader). Replay one seed
 * with
 * {@code -Dtest=PlannerPropertyTest -Dplan.seed=N}.
 */
class PlannerPropertyTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration GRACE = Duration.ofSeconds(60);

    static LongStream seeds() {
        String one = System.getProperty("plan.seed");
        return one != null ? LongStream.of(Long.parseLong(one)) : LongStream.range(0, 2000);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void noStepLeavesFewerThanAQuorumOfHealthyVoters(long seed) {
        var random = new SplittableRandom(seed);
        Observation observed = randomObservation(random);
        Desired desired = new Desired("c", 1 + random.nextInt(7), false, false, GRACE, 100,
                random.nextBoolean());
        Step step = Planner.next(desired, observed, NOW);
        String context = "seed " + seed + ": " + observed + " -> " + step;

        int voters = observed.voters().size();
        long healthy = observed.healthyVoterCount();
        boolean quorumBefore = healthy >= Quorum.of(voters);
        int votersAfter = voters;
        long healthyAfter = healthy;
        if (step instanceof Step.PromoteLearner p) {
            ObservedMember l = member(observed, p.member());
            assertThat(l.learner()).as(context).isTrue();
            votersAfter++;
            healthyAfter += l.healthy() ? 1 : 0;
        } else if (step instanceof Step.RemoveMember r) {
            ObservedMember v = member(observed, r.member());
            assertThat(v.voter()).as(context).isTrue();
            assertThat(v.leader()).as("the leader is moved away first: " + context).isFalse();
            votersAfter--;
            healthyAfter -= v.healthy() ? 1 : 0;
        } else if (step instanceof Step.ReplaceMember r) {
            ObservedMember v = member(observed, r.member());
            assertThat(v.healthy() && v.volumeExists()).as(context).isFalse();
            votersAfter -= v.voter() ? 1 : 0;
            healthyAfter -= v.voter() && v.healthy() ? 1 : 0;
        } else if (step instanceof Step.RollPod) {
            healthyAfter -= voters > 1 ? 1 : 0;
        } else if (step instanceof Step.MoveLeader move) {
            assertThat(member(observed, move.to()).healthy()).as(context).isTrue();
            assertThat(member(observed, move.from()).leader()).as(context).isTrue();
        } else if (step instanceof Step.AddLearner add) {
            assertThat(observed.learners()).as("one learner at a time: " + context).isEmpty();
            assertThat(add.member().ordinal()).as(context).isEqualTo(observed.nextOrdinal());
        } else if (step instanceof Step.DeletePod d) {
            assertThat(member(observed, d.member()).inCluster()).as(context).isFalse();
        } else if (step instanceof Step.DeleteVolume d) {
            ObservedMember v = member(observed, d.member());
            assertThat(v.inCluster() || v.podExists()).as(context).isFalse();
            assertThat(desired.deleteRemovedVolumes()).as(context).isTrue();
        } else if (step instanceof Step.Bootstrap) {
            assertThat(observed.bootstrapped()).as(context).isFalse();
            assertThat(observed.members()).as(context).isEmpty();
        } else if (step instanceof Step.CreatePod c) {
            assertThat(member(observed, c.member()).podExists()).as(context).isFalse();
        }
        if (observed.membershipKnown() && !quorumBefore) {
            assertThat(step.changesMembership() || step instanceof Step.RollPod)
                    .as("quorum lost, so no membership change: " + context).isFalse();
        }
        if (quorumBefore && observed.membershipKnown()) {
            assertThat(healthyAfter).as(context).isGreaterThanOrEqualTo(Quorum.of(votersAfter));
            assertThat(votersAfter).as("never the last voter: " + context)
                    .isGreaterThanOrEqualTo(1);
        }
    }

    private static ObservedMember member(Observation observed, MemberName name) {
        return observed.members().stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("step names unknown member " + name));
    }

    static Observation randomObservation(SplittableRandom random) {
        int count = random.nextInt(8);
        List<ObservedMember> members = new ArrayList<>();
        int leader = count == 0 ? -1 : random.nextInt(count + 1) - 1;
        for (int i = 0; i < count; i++) {
            boolean inCluster = random.nextInt(6) > 0;
            boolean learner = inCluster && random.nextInt(5) == 0;
            boolean podExists = random.nextInt(6) > 0;
            boolean ready = podExists && random.nextInt(4) > 0;
            Instant unreadySince = ready ? null
                    : podExists ? NOW.minusSeconds(random.nextInt(120)) : null;
            members.add(new ObservedMember(new MemberName("c", i),
                    inCluster ? 100 + i : 0, learner, inCluster && random.nextInt(5) > 0,
                    podExists, ready, unreadySince, random.nextInt(4) > 0,
                    podExists || random.nextInt(5) > 0, ready || random.nextInt(8) == 0,
                    random.nextInt(1000), inCluster && !learner && i == leader));
        }
        boolean anyVoter = members.stream().anyMatch(ObservedMember::voter);
        return new Observation(members, anyVoter && random.nextInt(8) > 0,
                count > 0 || random.nextBoolean(),
                count + random.nextInt(3));
    }
}
