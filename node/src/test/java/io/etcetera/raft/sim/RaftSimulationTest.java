package io.etcetera.raft.sim;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.function.ToLongFunction;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Seeded simulations of whole clusters ({@link RandomRun}): one test per seed, each a different
 * cluster size, Raft configuration, fault mix and schedule. CI runs {@link #CI_SEEDS} seeds from
 * 0; {@code -Draft.sim.seeds=N -Draft.sim.start=S} runs N seeds from S, and
 * {@code -Draft.sim.seed=S} replays seed S alone (the command a failure prints). A seed that
 * once failed stays as a named test. A summary of what the seeds did is printed at the end.
 */
class RaftSimulationTest {

    /** Seeds in every CI run. */
    static final long CI_SEEDS = 2000;

    private static final List<RandomRun.Outcome> OUTCOMES = new ArrayList<>();

    @TestFactory
    Stream<DynamicTest> safetyAndLivenessHoldForEverySeed() {
        String replay = System.getProperty("raft.sim.seed");
        long start = replay != null ? Long.parseLong(replay) : Long.getLong("raft.sim.start", 0);
        long count = replay != null ? 1 : Long.getLong("raft.sim.seeds", CI_SEEDS);
        return LongStream.range(start, start + count).mapToObj(seed -> dynamicTest(
                "seed " + seed, () -> record(RandomRun.run(seed))));
    }

    /**
     * A member crashed after persisting a leader's snapshot and before applying it; on restart
     * the state machine was older than the snapshot, so Raft handed it entries it could not
     * apply. Fixed: a restart restores the state machine from such a snapshot (SimNode#start).
     */
    @Test
    void seed52027CrashBetweenPersistingAndApplyingALeadersSnapshot() {
        record(RandomRun.run(52027));
    }

    /**
     * Without PreVote, a member that campaigned while cut off deposed the leader right after the
     * cluster was live, and the convergence bound did not allow for that election. Fixed: the
     * bound allows the election attempts again (LivenessBound).
     */
    @Test
    void seed58719RejoiningMemberWithAHigherTermDeposesTheLeaderAfterLive() {
        record(RandomRun.run(58719));
    }

    private static void record(RandomRun.Outcome outcome) {
        synchronized (OUTCOMES) {
            OUTCOMES.add(outcome);
        }
    }

    @AfterAll
    static void printSummary() {
        if (OUTCOMES.isEmpty()) {
            return;
        }
        LongSummaryStatistics live = OUTCOMES.stream()
                .mapToLong(RandomRun.Outcome::ticksToLive).summaryStatistics();
        LongSummaryStatistics converge = OUTCOMES.stream()
                .mapToLong(RandomRun.Outcome::ticksToConverge).summaryStatistics();
        Nemesis.Counts faults = OUTCOMES.stream().map(RandomRun.Outcome::faults)
                .reduce(Nemesis.Counts.NONE, Nemesis.Counts::plus);
        System.out.printf("raft simulation: %d seeds passed; %d writes acknowledged, %d reads "
                + "checked, %d entries committed, %d leaders elected, %d snapshots installed; "
                + "%s; ticks from heal to live: mean %.1f max %d; to converged: mean %.1f "
                + "max %d%n", OUTCOMES.size(), sum(RandomRun.Outcome::acknowledged),
                sum(RandomRun.Outcome::readsAnswered), sum(RandomRun.Outcome::commitIndex),
                sum(RandomRun.Outcome::leadersElected),
                sum(RandomRun.Outcome::snapshotsInstalled), faults, live.getAverage(),
                live.getMax(), converge.getAverage(), converge.getMax());
    }

    private static long sum(ToLongFunction<RandomRun.Outcome> figure) {
        return OUTCOMES.stream().mapToLong(figure).sum();
    }
}
