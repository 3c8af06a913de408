package io.etcetera.raft.sim;

import io.etcetera.raft.Status;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One seeded simulation: a cluster drawn from the seed runs {@link #FAULT_TICKS} ticks under the
 * {@link Nemesis} with {@link SimClients} writing and reading, then faults stop and liveness is
 * checked: within the {@link LivenessBound} a leader is elected and every pending write is
 * acknowledged, and then every running member catches up. Safety is checked throughout by the
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
                   long reads, long readsAnswered, long commitIndex, long leadersElected,
                   long snapshotsInstalled, Nemesis.Counts faults) {}

    /**
     * A client's request timeout, in election timeouts: etcd's is 5 s plus two election
     * timeouts, about 7 at its default 1 s election timeout.
     */
    static final int CLIENT_TIMEOUT_ELECTIONS = 7;

    private final SimCluster cluster;
    private final SimClients clients;
    private final Nemesis nemesis;
    private final LivenessBound bound;

    private RandomRun(SimCluster cluster) {
        this.cluster = cluster;
        SplittableRandom random = cluster.random().split();
        int retryTicks = CLIENT_TIMEOUT_ELECTIONS * cluster.options().electionTicks();
        this.clients = new SimClients(cluster, random.split(), retryTicks);
        this.nemesis = new Nemesis(cluster, random.split());
        this.bound = new LivenessBound(cluster.options(), retryTicks);
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
        long ticksMax = bound.liveTicksMax(backlogEntries());
        List<String> pending = clients.pendingWrites();
        for (long tick = 0; !live(); tick++) {
            if (tick >= ticksMax) {
                throw new AssertionError("liveness: no leader with every write acknowledged "
                        + ticksMax + " ticks after healing (pending " + clients.pendingWrites()
                        + "); " + nemesis.counts());
            }
            nemesis.operate();
            clients.act(0, READS_PER_MILLE);
            cluster.runTicks(1);
        }
        long ticksToLive = cluster.clock().ticks() - healedAt;
        long target = Math.max(cluster.checker().globalCommit(),
                clients.highestAcknowledgedIndex(pending));
        long convergeMax = bound.convergedTicksMax(target - lowestApplied());
        if (!cluster.runUntil(() -> caughtUp(target), (int) Math.min(convergeMax, 1 << 20))) {
            throw new AssertionError("liveness: running members did not apply up to " + target
                    + " within " + convergeMax + " ticks after the cluster was live");
        }
        cluster.checker().checkLogs(cluster.nodes());
        SafetyChecker checker = cluster.checker();
        return new Outcome(cluster.seed(), ticksToLive, cluster.clock().ticks() - healedAt,
                clients.acknowledged(), clients.reads(), checker.readsAnswered(),
                checker.globalCommit(), checker.leadersElected(), checker.snapshotsInstalled(),
                nemesis.counts());
    }

    /**
     * Entries that may have to be replicated before every pending write commits: the longest
     * uncommitted tail, plus a round of retries.
     */
    private long backlogEntries() {
        long lastIndex = 0;
        for (SimNode node : cluster.upNodes()) {
            lastIndex = Math.max(lastIndex, node.log.lastIndex());
        }
        return lastIndex - cluster.checker().globalCommit() + SimClients.PENDING_MAX;
    }

    private long lowestApplied() {
        long lowest = Long.MAX_VALUE;
        for (SimNode node : cluster.upNodes()) {
            lowest = Math.min(lowest, node.appliedIndex());
        }
        return lowest == Long.MAX_VALUE ? 0 : lowest;
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
