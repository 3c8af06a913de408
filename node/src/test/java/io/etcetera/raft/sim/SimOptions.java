package io.etcetera.raft.sim;

import io.etcetera.raft.MemoryStorage;
import io.etcetera.raft.RaftConfig;
import java.util.SplittableRandom;

/**
 * How one simulated cluster is set up: its size, every node's Raft settings, how it snapshots,
 * and how slow and faulty its disks, clocks and network are. {@link #random} draws all of it from
 * the seed, so a seed names a whole configuration; {@link #calm} is the quiet setting scenarios
 * start from. Immutable.
 *
 * @param voters initial voters, IDs 1..voters
 * @param spareNodes IDs after the voters that membership changes may add, each at most once
 * @param electionTicks Raft election timeout (randomized up to twice this)
 * @param heartbeatTicks Raft heartbeat interval
 * @param preVote Raft PreVote
 * @param checkQuorum Raft CheckQuorum
 * @param msgBytesMax entry bytes per append; small values split the log into many messages
 * @param inflightCountMax appends in flight per follower
 * @param inflightBytesMax entry bytes in flight per follower
 * @param uncommittedBytesMax the leader's uncommitted tail before it drops proposals
 * @param committedEntriesBytesMax committed entries handed out per Ready
 * @param snapshotEntries a node snapshots after this many applied entries; 0: never
 * @param catchUpEntries entries kept below a snapshot for slow followers
 * @param diskLatencyMaxInstants most time a Ready's writes take
 * @param flushPerMille chance, per apply batch, that the state machine flushes
 * @param driftPerMille chance, per tick, that a node's clock drifts by a few instants
 * @param faults the network's behaviour while faults are on
 */
record SimOptions(int voters, int spareNodes, int electionTicks, int heartbeatTicks,
                  boolean preVote, boolean checkQuorum, long msgBytesMax, int inflightCountMax,
                  long inflightBytesMax, long uncommittedBytesMax, long committedEntriesBytesMax,
                  int snapshotEntries, int catchUpEntries, int diskLatencyMaxInstants,
                  int flushPerMille, int driftPerMille, NetworkFaults faults) {

    /**
     * Quiet defaults for scripted scenarios: etcd's timing ratio (election = 10 heartbeats),
     * PreVote and CheckQuorum on, no compaction, instant disks, no drift, a calm network.
     */
    static SimOptions calm(int voters) {
        return new SimOptions(voters, 2, 10, 1, true, true, 1 << 20, 256, Long.MAX_VALUE,
                Long.MAX_VALUE, 1 << 20, 0, 0, 0, 1000, 0, NetworkFaults.CALM);
    }

    /** Everything drawn from {@code random}: one cluster configuration per seed. */
    static SimOptions random(SplittableRandom random) {
        int electionTicks = 5 + random.nextInt(8);
        int heartbeatTicks = 1 + random.nextInt(Math.max(1, electionTicks / 4));
        boolean tinyMessages = random.nextInt(3) == 0;
        long msgBytesMax = tinyMessages ? 1 + random.nextInt(64) : 1 << 20;
        long inflightBytesMax = random.nextInt(4) == 0 ? Math.max(msgBytesMax, 256)
                : Long.MAX_VALUE;
        boolean snapshots = random.nextInt(4) != 0;
        int latencyMax = 1 + random.nextInt(SimClock.INSTANTS_PER_TICK);
        NetworkFaults faults = new NetworkFaults(random.nextInt(120), random.nextInt(40), 1,
                latencyMax, random.nextInt(30), 3 * SimClock.INSTANTS_PER_TICK);
        return new SimOptions(random.nextBoolean() ? 3 : 5, 3, electionTicks, heartbeatTicks,
                random.nextBoolean(), random.nextBoolean(), msgBytesMax,
                1 + random.nextInt(8), inflightBytesMax,
                random.nextInt(4) == 0 ? 256 + random.nextInt(1024) : Long.MAX_VALUE,
                random.nextInt(4) == 0 ? 64 + random.nextInt(256) : 1 << 20,
                snapshots ? 5 + random.nextInt(40) : 0, random.nextInt(6),
                random.nextInt(4) == 0 ? random.nextInt(2 * SimClock.INSTANTS_PER_TICK)
                        : random.nextInt(SimClock.INSTANTS_PER_TICK / 2), random.nextInt(1000),
                random.nextInt(50), faults);
    }

    SimOptions withPreVote(boolean enabled) {
        return new SimOptions(voters, spareNodes, electionTicks, heartbeatTicks, enabled,
                checkQuorum, msgBytesMax, inflightCountMax, inflightBytesMax,
                uncommittedBytesMax, committedEntriesBytesMax, snapshotEntries, catchUpEntries,
                diskLatencyMaxInstants, flushPerMille, driftPerMille, faults);
    }

    SimOptions withElectionTicks(int ticks) {
        return new SimOptions(voters, spareNodes, ticks, heartbeatTicks, preVote, checkQuorum,
                msgBytesMax, inflightCountMax, inflightBytesMax, uncommittedBytesMax,
                committedEntriesBytesMax, snapshotEntries, catchUpEntries,
                diskLatencyMaxInstants, flushPerMille, driftPerMille, faults);
    }

    SimOptions withCheckQuorum(boolean enabled) {
        return new SimOptions(voters, spareNodes, electionTicks, heartbeatTicks, preVote,
                enabled, msgBytesMax, inflightCountMax, inflightBytesMax, uncommittedBytesMax,
                committedEntriesBytesMax, snapshotEntries, catchUpEntries,
                diskLatencyMaxInstants, flushPerMille, driftPerMille, faults);
    }

    /** One entry per append: the log is replicated entry by entry. */
    SimOptions withOneEntryPerMessage() {
        return new SimOptions(voters, spareNodes, electionTicks, heartbeatTicks, preVote,
                checkQuorum, 1, inflightCountMax, inflightBytesMax, uncommittedBytesMax,
                committedEntriesBytesMax, snapshotEntries, catchUpEntries,
                diskLatencyMaxInstants, flushPerMille, driftPerMille, faults);
    }

    SimOptions withSnapshots(int everyEntries, int keptEntries) {
        return new SimOptions(voters, spareNodes, electionTicks, heartbeatTicks, preVote,
                checkQuorum, msgBytesMax, inflightCountMax, inflightBytesMax,
                uncommittedBytesMax, committedEntriesBytesMax, everyEntries, keptEntries,
                diskLatencyMaxInstants, flushPerMille, driftPerMille, faults);
    }

    /** The Raft configuration of node {@code id} over {@code storage}, restarting at applied. */
    RaftConfig raftConfig(long id, MemoryStorage storage, long applied,
                          SplittableRandom random) {
        return RaftConfig.builder(id, storage, random)
                .electionTicks(electionTicks).heartbeatTicks(heartbeatTicks)
                .preVote(preVote).checkQuorum(checkQuorum)
                .msgBytesMax(msgBytesMax).inflightCountMax(inflightCountMax)
                .inflightBytesMax(inflightBytesMax).uncommittedBytesMax(uncommittedBytesMax)
                .committedEntriesBytesMax(committedEntriesBytesMax)
                .applied(applied).build();
    }

    /** One line for the failure report. */
    String describe() {
        return "voters=" + voters + " election=" + electionTicks + " heartbeat=" + heartbeatTicks
                + " preVote=" + preVote + " checkQuorum=" + checkQuorum + " msgBytesMax="
                + msgBytesMax + " inflight=" + inflightCountMax + "/" + inflightBytesMax
                + "B uncommittedMax=" + uncommittedBytesMax + " applyBatchMax="
                + committedEntriesBytesMax + " snapshotEvery=" + snapshotEntries + " catchUp="
                + catchUpEntries + " disk<=" + diskLatencyMaxInstants + " flush="
                + flushPerMille + "‰ drift=" + driftPerMille + "‰ " + faults;
    }
}
