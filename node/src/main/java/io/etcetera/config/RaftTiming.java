package io.etcetera.config;

/**
 * Raft's clock as etcd configures it: one tick per heartbeat interval, an election timeout that is
 * a whole number of ticks, and the two election switches.
 *
 * <p>Invariants (etcd's {@code embed.Config.Validate}): {@code heartbeatIntervalMillis > 0}, {@code
 * electionTimeoutMillis >= 5 * heartbeatIntervalMillis} and {@code electionTimeoutMillis <= 50000}.
 * Immutable.
 *
 * @param heartbeatIntervalMillis {@code --heartbeat-interval}: one Raft tick
 * @param electionTimeoutMillis {@code --election-timeout}
 * @param initialElectionTickAdvance {@code --initial-election-tick-advance}: start the first
 *     election timer near its end, for a faster first election
 * @param preVote {@code --pre-vote}
 */
public record RaftTiming(
        long heartbeatIntervalMillis,
        long electionTimeoutMillis,
        boolean initialElectionTickAdvance,
        boolean preVote) {

    /** The election timeout in ticks, rounded down, as etcd's {@code Config.ElectionTicks}. */
    public int electionTicks() {
        return (int) (electionTimeoutMillis / heartbeatIntervalMillis);
    }
}
