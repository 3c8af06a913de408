package io.etcetera.operator.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.operator.model.MemberName;
import io.etcetera.operator.plan.Observation;
import io.etcetera.operator.plan.ObservedMember;
import io.etcetera.operator.plan.Step;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterStatusBuilderTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static ObservedMember voter(int ordinal, boolean healthy, boolean leader) {
        return new ObservedMember(new MemberName("c", ordinal), 10 + ordinal, false, true, true,
                healthy, healthy ? null : T0, true, true, healthy, 5, leader);
    }

    private static Observation threeVoters(boolean thirdHealthy) {
        return new Observation(List.of(voter(0, true, true), voter(1, true, false),
                voter(2, thirdHealthy, false)), true, true, 3);
    }

    private static final Step STABLE = new Step.Wait(Step.Health.STABLE, "stable");

    @Test
    void aStableClusterIsAvailableAndNotProgressing() {
        var status = ClusterStatusBuilder.afterPass(null, 4, 3, threeVoters(true),
                Map.of("c-0", 7L), 0xabcL, STABLE, T0);
        assertThat(status.observedGeneration()).isEqualTo(4);
        assertThat(status.phase()).isEqualTo("Running");
        assertThat(status.leader()).isEqualTo("c-0");
        assertThat(status.readyMembers()).isEqualTo(3);
        assertThat(status.clusterId()).isEqualTo("abc");
        assertThat(status.members().get(0).revision()).isEqualTo(7L);
        assertThat(status.members().get(0).id()).isEqualTo("a");
        assertThat(Conditions.isTrue(status.conditions(), Conditions.AVAILABLE)).isTrue();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.PROGRESSING)).isFalse();
        assertThat(Conditions.isTrue(status.conditions(), Conditions.DEGRADED)).isFalse();
    }

    @Test
    void anUnchangedPassBuildsAnEqualStatusSoNothingIsPatched() {
        var first = ClusterStatusBuilder.afterPass(null, 1, 3, threeVoters(true), Map.of(), 1,
                STABLE, T0);
        var second = ClusterStatusBuilder.afterPass(first, 1, 3, threeVoters(true), Map.of(), 1,
                STABLE, T0.plusSeconds(30));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void aConditionKeepsItsTransitionTimeUntilItsStatusChanges() {
        var healthy = ClusterStatusBuilder.afterPass(null, 1, 3, threeVoters(true), Map.of(), 1,
                STABLE, T0);
        var replacing = ClusterStatusBuilder.afterPass(healthy, 1, 3, threeVoters(false),
                Map.of(), 1, new Step.ReplaceMember(new MemberName("c", 2), 12, "volume lost"),
                T0.plusSeconds(60));
        assertThat(replacing.phase()).isEqualTo("Healing");
        assertThat(replacing.readyMembers()).isEqualTo(2);
        var available = replacing.conditions().stream()
                .filter(c -> c.getType().equals(Conditions.AVAILABLE)).findFirst().orElseThrow();
        assertThat(available.getStatus()).isEqualTo("True");
        assertThat(available.getLastTransitionTime()).isEqualTo(T0.toString());
        var progressing = replacing.conditions().stream()
                .filter(c -> c.getType().equals(Conditions.PROGRESSING)).findFirst()
                .orElseThrow();
        assertThat(progressing.getStatus()).isEqualTo("True");
        assertThat(progressing.getReason()).isEqualTo("ReplaceMember");
        assertThat(progressing.getLastTransitionTime()).isEqualTo(T0.plusSeconds(60).toString());
    }

    @Test
    void quorumLossIsDegradedWithWhatToDo() {
        var lost = new Observation(List.of(voter(0, true, true), voter(1, false, false),
                voter(2, false, false)), true, true, 3);
        var wait = new Step.Wait(Step.Health.DEGRADED, "quorum lost: restore the members");
        var status = ClusterStatusBuilder.afterPass(null, 1, 3, lost, Map.of(), 1, wait, T0);
        assertThat(status.phase()).isEqualTo("Degraded");
        assertThat(Conditions.isTrue(status.conditions(), Conditions.AVAILABLE)).isFalse();
        assertThat(status.conditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo(Conditions.DEGRADED);
            assertThat(c.getStatus()).isEqualTo("True");
            assertThat(c.getMessage()).contains("restore the members");
        });
    }

    @Test
    void anErrorKeepsTheObservedStatusAndSetsDegraded() {
        var ok = ClusterStatusBuilder.afterPass(null, 1, 3, threeVoters(true), Map.of(), 1,
                STABLE, T0);
        var failed = ClusterStatusBuilder.afterError(ok, 2,
                new IllegalStateException("API server said no"), T0.plusSeconds(5));
        assertThat(failed.members()).isEqualTo(ok.members());
        assertThat(failed.observedGeneration()).isEqualTo(2);
        assertThat(failed.conditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo(Conditions.DEGRADED);
            assertThat(c.getReason()).isEqualTo("ReconcileFailed");
            assertThat(c.getMessage()).isEqualTo("API server said no");
        });
    }
}
