package io.etcetera.operator.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.operator.model.MemberName;
import io.etcetera.operator.model.Quorum;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the planner against a tiny simulated cluster, one step per pass, through random size changes
 * and member failures (a member dies and never comes back, as after a wiped data dir). After every
 * pass the healthy voters must still form a quorum whenever at most a minority was ever dead, and
 * each scenario must end stable at the asked size. Replay: {@code -Dplan.seed=N}.
 */
class PlannerSimulationTest {

    private static final Duration GRACE = Duration.ofSeconds(30);
    private static final Duration PASS = Duration.ofSeconds(10);
    private static final int PASSES_MAX = 200;

    /** One simulated member. */
    private static final class Sim {
        long id;
        boolean learner;
        boolean started;
        boolean pod;
        boolean volume;
        boolean dead;
        Instant unreadySince;
        boolean current = true;
    }

    static LongStream seeds() {
        String one = System.getProperty("plan.seed");
        return one != null ? LongStream.of(Long.parseLong(one)) : LongStream.range(0, 300);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void reachesTheAskedSizeWithoutLosingQuorum(long seed) {
        var random = new SplittableRandom(seed);
        var members = new TreeMap<Integer, Sim>();
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        int size = 1 + 2 * random.nextInt(3);
        int[] nextOrdinal = {0};
        long[] leader = {0};
        List<String> trace = new ArrayList<>();
        for (int pass = 0; pass < PASSES_MAX; pass++) {
            if (pass == 40) {
                size = 1 + random.nextInt(5);
            }
            boolean mayKill = pass > 20 && pass < 120 && random.nextInt(25) == 0;
            if (mayKill && killableVoters(members) > 0) {
                kill(members, random, now);
            }
            Observation observed = observe(members, leader[0], nextOrdinal[0], pass > 0);
            var desired = new Desired("c", size, false, false, GRACE, 10, true);
            Step step = Planner.next(desired, observed, now);
            trace.add(pass + " " + step.describe());
            apply(step, members, leader, nextOrdinal, now);
            now = now.plus(PASS);
            long voters = members.values().stream().filter(s -> s.id != 0 && !s.learner).count();
            long healthy = members.values().stream()
                    .filter(s -> s.id != 0 && !s.learner && s.pod && !s.dead && s.started).count();
            assertThat(healthy).as("seed %d trace %s", seed, trace)
                    .isGreaterThanOrEqualTo(Quorum.of((int) voters) - 1);
            if (pass > 150 && step instanceof Step.Wait w && w.health() == Step.Health.STABLE) {
                assertThat(voters).as("seed %d trace %s", seed, trace).isEqualTo(size);
                assertThat(healthy).as("dead members replaced: seed %d trace %s", seed, trace)
                        .isEqualTo(size);
                return;
            }
        }
        throw new AssertionError("seed " + seed + " did not converge: " + trace);
    }

    private static long killableVoters(TreeMap<Integer, Sim> members) {
        long voters = members.values().stream().filter(s -> s.id != 0 && !s.learner).count();
        long dead = members.values().stream().filter(s -> s.id != 0 && s.dead).count();
        return dead == 0 && voters >= 3 ? voters : 0;
    }

    private static void kill(TreeMap<Integer, Sim> members, SplittableRandom random, Instant now) {
        List<Sim> voters = members.values().stream().filter(s -> s.id != 0 && !s.learner).toList();
        Sim victim = voters.get(random.nextInt(voters.size()));
        victim.dead = true;
        victim.unreadySince = now;
    }

    private static Observation observe(TreeMap<Integer, Sim> members, long leader, int next,
            boolean bootstrapped) {
        List<ObservedMember> list = new ArrayList<>();
        members.forEach((ordinal, s) -> {
            boolean up = s.pod && s.started && !s.dead;
            list.add(new ObservedMember(new MemberName("c", ordinal), s.id, s.learner, s.started,
                    s.pod, up, up ? null : s.unreadySince, s.current, s.volume, up, 100,
                    s.id == leader && up));
        });
        boolean known = list.stream().anyMatch(m -> m.voter() && m.reachable());
        return new Observation(list, known, bootstrapped || !members.isEmpty(), next);
    }

    private static void apply(Step step, TreeMap<Integer, Sim> members, long[] leader,
            int[] nextOrdinal, Instant now) {
        // A pod created in the previous pass has started by now.
        members.values().stream().filter(s -> s.pod && !s.dead).forEach(s -> s.started = true);
        if (step instanceof Step.Bootstrap b) {
            Sim s = newMember(members, nextOrdinal, b.member(), now);
            s.pod = true;
            s.volume = true;
            leader[0] = s.id;
        } else if (step instanceof Step.AddLearner a) {
            newMember(members, nextOrdinal, a.member(), now).learner = true;
        } else if (step instanceof Step.CreatePod c) {
            Sim s = members.get(c.member().ordinal());
            s.pod = true;
            s.volume = true;
        } else if (step instanceof Step.PromoteLearner p) {
            members.get(p.member().ordinal()).learner = false;
        } else if (step instanceof Step.MoveLeader m) {
            leader[0] = m.toId();
        } else if (step instanceof Step.RemoveMember r) {
            members.get(r.member().ordinal()).id = 0;
        } else if (step instanceof Step.ReplaceMember r) {
            members.remove(r.member().ordinal());
            electIfLeaderless(members, leader);
        } else if (step instanceof Step.DeletePod d) {
            Sim s = members.get(d.member().ordinal());
            s.pod = false;
            s.volume = false;
            members.remove(d.member().ordinal());
        } else if (step instanceof Step.DeleteVolume d) {
            members.remove(d.member().ordinal());
        }
        if (members.values().stream().noneMatch(s -> s.id == leader[0] && !s.dead)) {
            electIfLeaderless(members, leader);
        }
    }

    private static void electIfLeaderless(TreeMap<Integer, Sim> members, long[] leader) {
        members.values().stream().filter(s -> s.id != 0 && !s.learner && !s.dead && s.pod)
                .findFirst().ifPresent(s -> leader[0] = s.id);
    }

    private static Sim newMember(TreeMap<Integer, Sim> members, int[] nextOrdinal,
            MemberName name, Instant now) {
        Sim s = new Sim();
        s.id = 1000 + name.ordinal();
        s.unreadySince = now;
        members.put(name.ordinal(), s);
        nextOrdinal[0] = name.ordinal() + 1;
        return s;
    }
}
