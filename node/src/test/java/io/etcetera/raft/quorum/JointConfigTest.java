package io.etcetera.raft.quorum;

import static io.etcetera.raft.quorum.MajorityConfigTest.acks;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class JointConfigTest {

    @Test
    void jointCommitNeedsBothMajorities() {
        JointConfig joint = new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(3, 4, 5));
        // Incoming majority (1, 2) reached 9, outgoing only (3 and one of 4, 5) reached 4.
        Map<Long, Long> acked = Map.of(1L, 9L, 2L, 9L, 3L, 4L, 4L, 4L, 5L, 1L);
        assertThat(joint.committedIndex(acks(acked))).isEqualTo(4);
        assertThat(joint.ids().ids()).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(joint).hasToString("(1 2 3)&&(3 4 5)");
    }

    @Test
    void jointVoteIsWonOnlyIfBothHalvesWinAndLostIfEitherLoses() {
        JointConfig joint = new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.of(1, 4, 5));
        assertThat(joint.voteResult(Map.of(1L, true, 2L, true))).isEqualTo(VoteResult.PENDING);
        assertThat(joint.voteResult(Map.of(1L, true, 2L, true, 4L, true)))
                .isEqualTo(VoteResult.WON);
        assertThat(joint.voteResult(Map.of(1L, true, 2L, true, 4L, false, 5L, false)))
                .isEqualTo(VoteResult.LOST);
    }

    @Test
    void nonJointConfigurationBehavesAsItsIncomingHalf() {
        JointConfig simple = new JointConfig(MajorityConfig.of(1, 2, 3), MajorityConfig.EMPTY);
        assertThat(simple.isJoint()).isFalse();
        assertThat(simple.committedIndex(acks(Map.of(1L, 3L, 2L, 2L)))).isEqualTo(2);
        assertThat(simple).hasToString("(1 2 3)");
    }

    @Test
    void jointResultsAgreeWithNaiveOracles() {
        for (long seed = 0; seed < 3000; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            long[] incoming = MajorityConfigTest.randomVoters(random);
            long[] outgoing = MajorityConfigTest.randomVoters(random);
            Map<Long, Long> acked = MajorityConfigTest.randomAcks(random);
            Map<Long, Boolean> votes = MajorityConfigTest.randomVotes(random);
            JointConfig joint = new JointConfig(MajorityConfig.of(incoming),
                    MajorityConfig.of(outgoing));
            long expectedCommit = Math.min(MajorityConfigTest.naiveCommitted(incoming, acked),
                    MajorityConfigTest.naiveCommitted(outgoing, acked));
            assertThat(joint.committedIndex(acks(acked))).as("seed %d", seed)
                    .isEqualTo(expectedCommit);
            VoteResult first = MajorityConfigTest.naiveVote(incoming, votes);
            VoteResult second = MajorityConfigTest.naiveVote(outgoing, votes);
            VoteResult expectedVote = first == VoteResult.LOST || second == VoteResult.LOST
                    ? VoteResult.LOST
                    : first == VoteResult.WON && second == VoteResult.WON ? VoteResult.WON
                    : VoteResult.PENDING;
            assertThat(joint.voteResult(votes)).as("seed %d", seed).isEqualTo(expectedVote);
        }
    }
}
