package io.etcetera.raft.sim;

import io.etcetera.raft.Status;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One seeded simulation: a cluster drawn from the seed runs {@link #FAULT_TICKS} ticks under the
 * {@link Nemesis} with {@link SimClients} writing and reading, then faults stop and liveness is
 * checked: within {@link #livenessTicksMax} ticks a leader is elected and every pending write is
 * acknowledged; then every running member catches up. Safety is checked throughout by the
 * cluster's {@link SafetyChecker}; at the end whole logs are compared pairwise.
 *
 * <p>A failure of any kind becomes a {@link SimulationFailure} naming the seed and the command
 * that replays it. Confined to the thread that runs it.
 */
final class RandomRun {

    /** Ticks with faults on: a few dozen elections at the timeouts the options draw. */
    static final int FAULT_TICKS = 250;
    static final int WRITES_PER_MILLE = 600;
    static final int READS_PER_MILLE = 250;

    /**
     * What a run measured.
     *
     * @param ticksToLive ticks from healing until a leader existed and every write was
     *     acknowledged
     * @param ticksToConverge ticks from healing until every running member caught up
     */
    record Outcome(long seed, long ticksToLive, long ticksToConverge, long acknowledged,
                   long reads, long readsAnswered, long commitIndex, String faults) {}

    private final SimCluster cluster;
    private final SimClients clients;
    private final Nemesis nemesis;

    private RandomRun(SimCluster cluster) {
        this.cluster = cluster;
        SplittableRandom random = cluster.random().split();
        this.clients = new SimClients(cluster, random.split(),
                2 * cluster.options().electionTicks());
        this.nemesis = new Nemesis(cluster, random.split());
    }

    /** The command that replays {@code seed} alone. */
    static String replayCommand(long seed) {
        return "mvn -B -ntp -o -pl node test -Dtest=RaftSimulationTest -Draft.sim.seed=" + seed;
    }

    /**
     * Runs {@code seed}.
     *
     * @throws SimulationFailure if a property broke
     */
    static Outcome run(long seed) {
        SimCluster cluster = new SimCluster(seed);
        try {
            return new RandomRun(cluster).execute();
        } catch (AssertionError | RuntimeException failure) {
            throw new SimulationFailure(cluster, replayCommand(seed), failure);
        }
    }

    private Outcome execute() {
        cluster.network().setFaults(cluster.options().faults());
        for (int tick = 0; tick < FAULT_TICKS; tick++) {
            nemesis.act();
            clients.act(WRITES_PER_MILLE, READS_PER_MILLE);
            for (int instant = 0; instant < SimClock.INSTANTS_PER_TICK; instant++) {
                nemesis.maybeCrash();
                cluster.runInstant();
            }
        }
        nemesis.heal();
        long healedAt = cluster.clock().ticks();
        int ticksMax = livenessTicksMax(cluster.options());
        List<String> pending = clients.pendingWrites();
        for (int tick = 0; !live(); tick++) {
            if (tick >= ticksMax) {
                throw new AssertionError("liveness: no leader with every write acknowledged "
                        + ticksMax + " ticks after healing (pending " + clients.pendingWrites()
                        + "); " + nemesis.describe());
            }
            nemesis.operate();
            clients.act(0, READS_PER_MILLE);
            cluster.runTicks(1);
        }
        long ticksToLive = cluster.clock().ticks() - healedAt;
        long target = Math.max(cluster.checker().globalCommit(),
                clients.highestAcknowledgedIndex(pending));
        int convergeMax = ticksMax + catchUpTicksMax(cluster.options(), target);
        if (!cluster.runUntil(() -> caughtUp(target), convergeMax)) {
            throw new AssertionError("liveness: running members did not apply up to " + target
                    + " within " + convergeMax + " ticks after healing");
        }
        cluster.checker().checkLogs(cluster.nodes());
        return new Outcome(cluster.seed(), ticksToLive, cluster.clock().ticks() - healedAt,
                clients.acknowledged(), clients.reads(), cluster.checker().readsAnswered(),
                cluster.checker().globalCommit(), nemesis.describe());
    }

    /**
     * Ticks after healing within which a leader must exist with every pending write
     * acknowledged. Why this bound: messages delayed by a spike arrive within 3 ticks; a
     * follower campaigns within 2 election timeouts of losing its leader, and an election takes
     * under 2 ticks (two round trips of at most half a tick plus a disk write), failing only on a
     * split vote or a candidate with a stale log, after which the next timeout comes within 2
     * election timeouts again: 10 attempts cover it. A client retries every 2 election timeouts,
     * and a proposal commits once a quorum holds the leader's log, which after a long outage
     * means streaming it in messages of msgBytesMax (at least one entry) through a window of
     * inflightCountMax per heartbeat.
     */
    static int livenessTicksMax(SimOptions options) {
        int electionRound = 2 * options.electionTicks() + 2;
        return 3 + 10 * electionRound + 2 * 2 * options.electionTicks();
    }

    /** Ticks to stream {@code entries} to a member that has none of them (see above). */
    static int catchUpTicksMax(SimOptions options, long entries) {
        long perHeartbeat = options.msgBytesMax() >= 1 << 10 ? Long.MAX_VALUE
                : options.inflightCountMax();
        long rounds = perHeartbeat == Long.MAX_VALUE ? 1 : 1 + entries / perHeartbeat;
        return (int) Math.min(Integer.MAX_VALUE / 2, rounds * (options.heartbeatTicks() + 1)
                + 4L * options.electionTicks());
    }

    private boolean live() {
        SimNode leader = cluster.leader();
        if (leader == null || !clients.allAcknowledged()) {
            return false;
        }
        Status status = leader.status();
        return !status.config().voters().isJoint();
    }

    /** Whether every running member of the leader's configuration applied up to target. */
    private boolean caughtUp(long target) {
        SimNode leader = cluster.leader();
        if (leader == null) {
            return false;
        }
        Status status = leader.status();
        for (SimNode node : cluster.upNodes()) {
            boolean member = status.config().voters().contains(node.id)
                    || status.config().learners().contains(node.id);
            if (member && node.appliedIndex() < target) {
                return false;
            }
        }
        return true;
    }
}
