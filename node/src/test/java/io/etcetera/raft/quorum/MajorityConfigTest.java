package io.etcetera.raft.quorum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MajorityConfigTest {

    static AckedIndexer acks(Map<Long, Long> indexes) {
        return id -> indexes.getOrDefault(id, 0L);
    }

    @Test
    void committedIndexIsWhatAMajorityHasAcknowledged() {
        MajorityConfig three = MajorityConfig.of(1, 2, 3);
        assertThat(three.committedIndex(acks(Map.of(1L, 5L, 2L, 3L, 3L, 1L)))).isEqualTo(3);
        assertThat(three.committedIndex(acks(Map.of(1L, 5L)))).isZero();
        assertThat(three.committedIndex(acks(Map.of(1L, 5L, 2L, 5L)))).isEqualTo(5);
        MajorityConfig four = MajorityConfig.of(1, 2, 3, 4);
        assertThat(four.committedIndex(acks(Map.of(1L, 9L, 2L, 8L, 3L, 2L, 4L, 1L))))
                .as("4 voters need 3").isEqualTo(2);
    }

    @Test
    void emptyConfigurationCommitsEverythingAndWinsEveryVote() {
        assertThat(MajorityConfig.EMPTY.committedIndex(id -> 0)).isEqualTo(Long.MAX_VALUE);
        assertThat(MajorityConfig.EMPTY.voteResult(Map.of())).isEqualTo(VoteResult.WON);
    }

    @Test
    void voteIsWonByMajorityLostWhenMajorityIsOutOfReach() {
        MajorityConfig three = MajorityConfig.of(1, 2, 3);
        assertThat(three.voteResult(Map.of(1L, true, 2L, true))).isEqualTo(VoteResult.WON);
        assertThat(three.voteResult(Map.of(1L, true))).isEqualTo(VoteResult.PENDING);
        assertThat(three.voteResult(Map.of(1L, true, 2L, false))).isEqualTo(VoteResult.PENDING);
        assertThat(three.voteResult(Map.of(2L, false, 3L, false))).isEqualTo(VoteResult.LOST);
        assertThat(three.voteResult(Map.of(7L, true, 8L, true)))
                .as("votes of non-members do not count").isEqualTo(VoteResult.PENDING);
    }

    @Test
    void idsAreSortedAsUnsignedAndPrintedInHex() {
        MajorityConfig config = MajorityConfig.of(-1L, 3, 1, 3);
        assertThat(config.ids()).containsExactly(1L, 3L, -1L);
        assertThat(config).hasToString("(1 3 ffffffffffffffff)");
        assertThat(config.with(2).without(3)).isEqualTo(MajorityConfig.of(1, 2, -1L));
    }

    /** Naive oracle: the largest value that at least a majority of voters has reached. */
    static long naiveCommitted(long[] voters, Map<Long, Long> acked) {
        if (voters.length == 0) {
            return Long.MAX_VALUE;
        }
        long best = 0;
        for (long candidate : acked.values()) {
            int reached = 0;
            for (long voter : voters) {
                reached += acked.getOrDefault(voter, 0L) >= candidate ? 1 : 0;
            }
            if (reached > voters.length / 2 && candidate > best) {
                best = candidate;
            }
        }
        return best;
    }

    /** Naive oracle: count granted and rejected voters against the majority. */
    static VoteResult naiveVote(long[] voters, Map<Long, Boolean> votes) {
        if (voters.length == 0) {
            return VoteResult.WON;
        }
        int granted = 0;
        int rejected = 0;
        for (long voter : voters) {
            Boolean vote = votes.get(voter);
            granted += Boolean.TRUE.equals(vote) ? 1 : 0;
            rejected += Boolean.FALSE.equals(vote) ? 1 : 0;
        }
        int majority = voters.length / 2 + 1;
        if (granted >= majority) {
            return VoteResult.WON;
        }
        return voters.length - rejected < majority ? VoteResult.LOST : VoteResult.PENDING;
    }

    static long[] randomVoters(SplittableRandom random) {
        return random.longs(random.nextInt(8), 1, 10).distinct().toArray();
    }

    static Map<Long, Long> randomAcks(SplittableRandom random) {
        Map<Long, Long> acked = new HashMap<>();
        for (long id = 1; id < 12; id++) {
            if (random.nextBoolean()) {
                acked.put(id, random.nextLong(20));
            }
        }
        return acked;
    }

    static Map<Long, Boolean> randomVotes(SplittableRandom random) {
        Map<Long, Boolean> votes = new HashMap<>();
        for (long id = 1; id < 12; id++) {
            int choice = random.nextInt(3);
            if (choice < 2) {
                votes.put(id, choice == 0);
            }
        }
        return votes;
    }

    @Test
    void committedIndexAndVoteAgreeWithNaiveOracles() {
        for (long seed = 0; seed < 3000; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            long[] voters = randomVoters(random);
            Map<Long, Long> acked = randomAcks(random);
            Map<Long, Boolean> votes = randomVotes(random);
            MajorityConfig config = MajorityConfig.of(voters);
            assertThat(config.committedIndex(acks(acked))).as("seed %d", seed)
                    .isEqualTo(naiveCommitted(voters, acked));
            assertThat(config.voteResult(votes)).as("seed %d", seed)
                    .isEqualTo(naiveVote(voters, votes));
        }
    }
}
