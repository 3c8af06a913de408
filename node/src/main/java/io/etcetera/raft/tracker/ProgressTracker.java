package io.etcetera.raft.tracker;

import io.etcetera.raft.quorum.AckedIndexer;
import io.etcetera.raft.quorum.VoteResult;
import java.util.HashMap;
import java.util.Map;

/**
 * The cluster configuration together with the {@link Progress} of every member and the votes of
 * the current election: what a node needs to count a quorum, whether for commitment, for an
 * election or for CheckQuorum.
 *
 * <p>Invariant: every member of the configuration (voter of either half, learner, next learner)
 * has a progress, and every progress belongs to a member (enforced by {@code confchange.Changer},
 * the only producer of configurations). Confined to the raft thread.
 */
public final class ProgressTracker {

    private final int inflightCountMax;
    private final long inflightBytesMax;
    private ClusterConfig config = ClusterConfig.EMPTY;
    private ProgressMap progress = new ProgressMap();
    /** Votes of the current election: true granted, false rejected; absent not yet heard. */
    private final Map<Long, Boolean> votes = new HashMap<>();
    /** Reads match indexes for commit counting; one instance, so counting allocates no lambda. */
    private final AckedIndexer matchIndexer = this::matchOf;

    /**
     * @param inflightCountMax in-flight append messages per follower, at most
     * @param inflightBytesMax in-flight payload bytes per follower, at most
     */
    public ProgressTracker(int inflightCountMax, long inflightBytesMax) {
        this.inflightCountMax = inflightCountMax;
        this.inflightBytesMax = inflightBytesMax;
    }

    /** A new, empty in-flight window with this tracker's limits. */
    public Inflights newInflights() {
        return new Inflights(inflightCountMax, inflightBytesMax);
    }

    /** A tracker with the same limits and no members, for rebuilding from a snapshot. */
    public ProgressTracker emptyCopy() {
        return new ProgressTracker(inflightCountMax, inflightBytesMax);
    }

    public ClusterConfig config() {
        return config;
    }

    public ProgressMap progress() {
        return progress;
    }

    /** Switches to a configuration and its progress map, as produced by {@code Changer}. */
    public void switchTo(ClusterConfig newConfig, ProgressMap newProgress) {
        this.config = newConfig;
        this.progress = newProgress;
    }

    /** The largest index that a quorum of voters has in its log (by their match indexes). */
    public long committed() {
        return config.voters().committedIndex(matchIndexer);
    }

    private long matchOf(long id) {
        Progress pr = progress.get(id);
        return pr == null ? 0 : pr.match();
    }

    /** True when only the local node votes: it alone is a quorum. */
    public boolean isSingleton() {
        return config.voters().incoming().size() == 1 && !config.voters().isJoint();
    }

    /** Whether a quorum of voters was heard from since the last CheckQuorum round. */
    public boolean quorumActive() {
        Map<Long, Boolean> active = new HashMap<>();
        for (int i = 0; i < progress.size(); i++) {
            Progress pr = progress.progressAt(i);
            if (!pr.isLearner()) {
                active.put(progress.idAt(i), pr.recentActive());
            }
        }
        return config.voters().voteResult(active) == VoteResult.WON;
    }

    /** Forgets the votes of the previous election. */
    public void resetVotes() {
        votes.clear();
    }

    /** Records the vote of {@code id}; only its first vote in an election counts. */
    public void recordVote(long id, boolean granted) {
        votes.putIfAbsent(id, granted);
    }

    /** Counts the recorded votes of voters. */
    public VoteTally tallyVotes() {
        int granted = 0;
        int rejected = 0;
        for (int i = 0; i < progress.size(); i++) {
            if (progress.progressAt(i).isLearner()) {
                continue;
            }
            Boolean vote = votes.get(progress.idAt(i));
            if (vote != null) {
                if (vote) {
                    granted++;
                } else {
                    rejected++;
                }
            }
        }
        return new VoteTally(granted, rejected, config.voters().voteResult(votes));
    }

    /**
     * The votes counted so far in an election.
     *
     * @param granted voters that granted their vote
     * @param rejected voters that rejected it
     * @param result whether the election is won, lost or still open
     */
    public record VoteTally(int granted, int rejected, VoteResult result) {}
}
