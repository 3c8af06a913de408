package io.etcetera.raft.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private static Progress progress(long match, long next) {
        return new Progress(match, next, new Inflights(2, Long.MAX_VALUE), false, true);
    }

    @Test
    void probeSendsOneAppendAtATime() {
        Progress pr = progress(3, 4);
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.isPaused()).isFalse();
        pr.sentEntries(2, 10);
        assertThat(pr.isPaused()).isTrue();
        assertThat(pr.next()).as("probing does not advance next").isEqualTo(4);
        assertThat(pr.maybeUpdate(5)).isTrue();
        assertThat(pr.isPaused()).isFalse();
        assertThat(pr.next()).isEqualTo(6);
    }

    @Test
    void replicateAdvancesOptimisticallyUntilTheWindowIsFull() {
        Progress pr = progress(3, 4);
        pr.becomeReplicate();
        pr.sentEntries(2, 10);
        assertThat(pr.next()).isEqualTo(6);
        pr.sentEntries(1, 10);
        assertThat(pr.next()).isEqualTo(7);
        assertThat(pr.isPaused()).isTrue();
        pr.inflights().freeLE(5);
        pr.maybeUpdate(5);
        assertThat(pr.isPaused()).isFalse();
    }

    @Test
    void rejectionInReplicateFallsBackToProbingFromMatchUnlessStale() {
        Progress pr = progress(5, 6);
        pr.becomeReplicate();
        pr.sentEntries(1, 0);
        pr.sentEntries(1, 0);
        assertThat(pr.maybeDecrTo(5, 5)).as("rejection at or below match is stale").isFalse();
        assertThat(pr.maybeDecrTo(7, 2)).isTrue();
        assertThat(pr.state()).isEqualTo(ProgressState.PROBE);
        assertThat(pr.next()).isEqualTo(6);
        assertThat(pr.inflights().count()).isZero();
    }

    @Test
    void rejectionInProbeOnlyCountsForTheLatestProbeAndUsesTheHint() {
        Progress pr = progress(0, 10);
        assertThat(pr.maybeDecrTo(5, 3)).as("not the outstanding probe (9)").isFalse();
        assertThat(pr.maybeDecrTo(9, 3)).isTrue();
        assertThat(pr.next()).isEqualTo(4);
        assertThat(pr.maybeDecrTo(3, 100)).as("hint above the rejection is capped").isTrue();
        assertThat(pr.next()).isEqualTo(3);
        Progress matched = progress(4, 10);
        matched.maybeDecrTo(9, 1);
        assertThat(matched.next()).as("never below match + 1").isEqualTo(5);
    }

    @Test
    void snapshotPausesAndProbesAboveTheSnapshotAfterwards() {
        Progress pr = progress(2, 3);
        pr.becomeSnapshot(10);
        assertThat(pr.isPaused()).isTrue();
        assertThatThrownBy(() -> pr.sentEntries(1, 1)).isInstanceOf(IllegalStateException.class);
        pr.becomeProbe();
        assertThat(pr.next()).isEqualTo(11);
        Progress failed = progress(2, 3);
        failed.becomeSnapshot(10);
        failed.abortPendingSnapshot();
        failed.becomeProbe();
        assertThat(failed.next()).isEqualTo(3);
    }

    @Test
    void matchNeverReachesNext() {
        assertThatThrownBy(() -> progress(5, 5)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void printsAsEtcdDoes() {
        Progress pr = progress(3, 4);
        pr.becomeReplicate();
        pr.sentEntries(1, 1);
        pr.sentEntries(1, 1);
        assertThat(pr).hasToString("StateReplicate match=3 next=6 paused inflight=2[full]");
    }

    /** Random transitions keep match below next, and match never moves back. */
    @Test
    void randomTransitionsKeepInvariants() {
        for (long seed = 0; seed < 300; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            Progress pr = progress(0, 1);
            long lastIndex = 1;
            long highestMatch = 0;
            for (int step = 0; step < 200; step++) {
                lastIndex += random.nextInt(3);
                switch (random.nextInt(7)) {
                    case 0 -> pr.becomeProbe();
                    case 1 -> pr.becomeReplicate();
                    case 2 -> pr.becomeSnapshot(
                            Math.max(pr.match(), lastIndex - random.nextInt(3)));
                    case 3 -> pr.maybeUpdate(random.nextLong(lastIndex + 1));
                    case 4 -> pr.maybeDecrTo(pr.next() - 1, random.nextLong(lastIndex + 1));
                    case 5 -> {
                        // As the leader does: entries only into a window with room.
                        if (!pr.isPaused()) {
                            int count = (int) Math.max(0, Math.min(2, lastIndex - pr.next() + 1));
                            if (pr.state() == ProgressState.REPLICATE && pr.inflights().full()) {
                                count = 0;
                            }
                            pr.sentEntries(count, count);
                        }
                    }
                    default -> pr.inflights().freeLE(random.nextLong(lastIndex + 1));
                }
                assertThat(pr.match()).as("seed %d step %d", seed, step).isLessThan(pr.next())
                        .isGreaterThanOrEqualTo(highestMatch);
                highestMatch = pr.match();
            }
        }
    }
}
