package io.etcetera.raft.sim;

/**
 * How many ticks a healed cluster (no partitions, no loss, a quorum up) may take, in a seeded
 * run, to elect a leader and commit every pending write, and then to bring every running member
 * up to date; each bound is derived from the cluster's options as follows.
 * <ul>
 *   <li>Messages delayed by a spike before healing arrive within {@link #SPIKE_TICKS}.
 *   <li>A follower campaigns at most two election timeouts after it last heard a leader. An
 *       election takes a few round trips (pre-vote, vote, the first append), each at most
 *       {@link #roundTicks}; it fails only on a split vote or a candidate whose log is behind,
 *       and the next timeout follows within two election timeouts again:
 *       {@link #ELECTION_ATTEMPTS_MAX} attempts cover it.
 *   <li>A client whose write was lost (dropped without a leader, or lost with a leader) sends it
 *       again after {@code retryTicks}.
 *   <li>A write commits once a quorum holds the leader's log up to it. Catching up costs one
 *       round per window: every append carries at least one entry and at most
 *       {@code inflightCountMax} appends are in flight, so a round moves at least that many
 *       entries; a snapshot replaces the rounds for what was compacted.
 *   <li>Being live does not end elections: without PreVote, a member that campaigned while cut
 *       off comes back with a higher term, and answers the leader's first append with it, which
 *       deposes the leader (etcd raft does so, so that such a member can rejoin under
 *       CheckQuorum). Converging may therefore take the election attempts again.
 * </ul>
 * Immutable.
 *
 * @param options the cluster's options
 * @param retryTicks how long a client waits before sending a write again
 */
record LivenessBound(SimOptions options, int retryTicks) {

    static final int SPIKE_TICKS = 3;
    static final int ELECTION_ATTEMPTS_MAX = 10;
    /** Round trips in an election: pre-vote, vote, and the append that confirms it. */
    static final int ELECTION_ROUNDS = 3;

    /**
     * Ticks of one round trip after healing: a message each way at the calm network's latency,
     * a disk write at each end, and up to a heartbeat interval before a paused follower is
     * sent to again.
     */
    int roundTicks() {
        int instants = 2 * NetworkFaults.CALM.latencyMaxInstants()
                + 2 * options.diskLatencyMaxInstants();
        return ceilDiv(instants, SimClock.INSTANTS_PER_TICK) + options.heartbeatTicks();
    }

    /** Ticks to stream {@code entries} to a member that lacks them. */
    long catchUpTicks(long entries) {
        return ceilDiv(Math.max(entries, 1), options.inflightCountMax()) * roundTicks();
    }

    /** Ticks until an election succeeds, over every attempt it may take. */
    long electionTicksMax() {
        long attempt = 2L * options.electionTicks() + (long) ELECTION_ROUNDS * roundTicks();
        return ELECTION_ATTEMPTS_MAX * attempt;
    }

    /** Ticks until a leader exists, with every write pending at healing committed. */
    long liveTicksMax(long backlogEntries) {
        return SPIKE_TICKS + electionTicksMax() + retryTicks + catchUpTicks(backlogEntries);
    }

    /** Ticks after being live until every running member applied {@code lagEntries} more. */
    long convergedTicksMax(long lagEntries) {
        return electionTicksMax() + catchUpTicks(lagEntries);
    }

    private static int ceilDiv(int dividend, int divisor) {
        return (dividend + divisor - 1) / divisor;
    }

    private static long ceilDiv(long dividend, long divisor) {
        return (dividend + divisor - 1) / divisor;
    }
}
