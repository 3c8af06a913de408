package io.etcetera.raft.sim;

import io.etcetera.raft.Status;
import io.etcetera.raft.pb.ConfChangeSingle;
import io.etcetera.raft.pb.ConfChangeTransition;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.quorum.MajorityConfig;
import io.etcetera.raft.tracker.ClusterConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * The faults and operator actions of a seeded run, drawn once per tick while faults are on:
 * crashes at any instant (restarted after a random downtime), partitions (symmetric split, one-way
 * cuts, the leader isolated, one node isolated; healed after a random time), membership changes
 * through the leader (add a voter or a learner from the spare IDs, promote, demote, remove; one
 * change at a time or two through joint consensus, left automatically or explicitly), leader
 * transfers and forced campaigns. The network's loss, duplication and delay are the cluster
 * options' faults.
 *
 * <p>Membership rules, as an operator keeps them: at least {@link #VOTERS_MIN} voters remain (a
 * 2-voter cluster whose leader removes itself may be unable to elect anyone when commit messages
 * were lost; etcd warns against it), at most {@link #VOTERS_MAX}, and a removed ID never comes
 * back (a new member gets a new ID). Confined to the simulation's single thread.
 */
final class Nemesis {

    static final int VOTERS_MIN = 3;
    static final int VOTERS_MAX = 7;
    /** Chance of a crash per instant, per ten thousand: about one per 170 ticks. */
    private static final int CRASH_PER_TEN_THOUSAND = 6;
    /** Per-tick chances, per thousand. */
    private static final int PARTITION_PER_MILLE = 12;
    private static final int CONF_CHANGE_PER_MILLE = 12;
    private static final int TRANSFER_PER_MILLE = 6;
    private static final int CAMPAIGN_PER_MILLE = 5;

    private final SimCluster cluster;
    private final SplittableRandom random;
    private final int electionTicks;
    /** Per crashed node, the tick it comes back at. */
    private final Map<Long, Long> restartAtTick = new HashMap<>();
    private long partitionEndsAtTick = -1;
    private final List<Long> spares = new ArrayList<>();
    private long crashes;
    private long partitions;
    private long confChanges;
    private long transfers;

    Nemesis(SimCluster cluster, SplittableRandom random) {
        this.cluster = cluster;
        this.random = random;
        SimOptions options = cluster.options();
        this.electionTicks = options.electionTicks();
        for (long id = options.voters() + 1; id <= options.voters() + options.spareNodes(); id++) {
            spares.add(id);
        }
    }

    /** Once a tick while faults are on. */
    void act() {
        long now = cluster.clock().ticks();
        restartDue(now);
        if (partitionEndsAtTick >= 0 && now >= partitionEndsAtTick) {
            cluster.network().heal();
            partitionEndsAtTick = -1;
            cluster.trace(0, "heal", "partition");
        }
        if (partitionEndsAtTick < 0 && chance(PARTITION_PER_MILLE)) {
            partition(now);
        }
        if (chance(CONF_CHANGE_PER_MILLE)) {
            changeMembership();
        }
        if (chance(TRANSFER_PER_MILLE)) {
            transfer();
        }
        if (chance(CAMPAIGN_PER_MILLE)) {
            // One node, or two at once: candidates of the same term compete for the votes.
            List<SimNode> up = cluster.upNodes();
            for (int i = random.nextInt(2); i < 2 && !up.isEmpty(); i++) {
                cluster.campaign(up.get(random.nextInt(up.size())).id);
            }
        }
    }

    private boolean chance(int perMille) {
        return random.nextInt(1000) < perMille;
    }

    private void restartDue(long now) {
        restartAtTick.entrySet().removeIf(due -> {
            if (due.getValue() > now) {
                return false;
            }
            cluster.restart(due.getKey());
            return true;
        });
    }

    /**
     * Once an instant while faults are on: maybe crash a node, half the time one that is in the
     * middle of writing a Ready or has writes not yet synced, where a crash finds mistakes in
     * persistence order.
     */
    void maybeCrash() {
        if (random.nextInt(10_000) >= CRASH_PER_TEN_THOUSAND) {
            return;
        }
        List<SimNode> up = cluster.upNodes();
        List<SimNode> writing = up.stream()
                .filter(node -> node.isWriting() || node.disk.hasUnsynced()).toList();
        List<SimNode> candidates = !writing.isEmpty() && random.nextBoolean() ? writing : up;
        if (candidates.isEmpty()) {
            return;
        }
        SimNode victim = candidates.get(random.nextInt(candidates.size()));
        long now = cluster.clock().ticks();
        cluster.crash(victim.id);
        // Half the time the process comes straight back (a supervisor restarts it), while the
        // messages of the moment are still in flight; else after up to three election timeouts.
        long downTicks = random.nextBoolean() ? random.nextInt(2)
                : 1 + random.nextInt(3 * electionTicks);
        restartAtTick.put(victim.id, now + downTicks);
        crashes++;
    }

    private void partition(long now) {
        List<Long> ids = new ArrayList<>();
        for (SimNode node : cluster.nodes()) {
            ids.add(node.id);
        }
        Set<Long> all = new TreeSet<>(ids);
        SimNode leader = cluster.leader();
        String kind;
        switch (random.nextInt(4)) {
            case 0 -> {
                Set<Long> side = new TreeSet<>();
                for (long id : ids) {
                    if (random.nextBoolean()) {
                        side.add(id);
                    }
                }
                Set<Long> rest = new TreeSet<>(all);
                rest.removeAll(side);
                cluster.network().partition(side, rest);
                kind = "split " + side + " | " + rest;
            }
            case 1 -> {
                int cuts = 1 + random.nextInt(ids.size());
                for (int i = 0; i < cuts; i++) {
                    cluster.network().block(ids.get(random.nextInt(ids.size())),
                            ids.get(random.nextInt(ids.size())));
                }
                kind = "one-way " + cluster.network().describePartitions();
            }
            case 2 -> {
                long isolated = leader != null ? leader.id : ids.get(random.nextInt(ids.size()));
                cluster.network().isolate(isolated, all);
                kind = "isolate leader " + isolated;
            }
            default -> {
                long isolated = ids.get(random.nextInt(ids.size()));
                cluster.network().isolate(isolated, all);
                kind = "isolate " + isolated;
            }
        }
        partitionEndsAtTick = now + 1 + random.nextInt(4 * electionTicks);
        partitions++;
        cluster.trace(0, "partition", kind);
    }

    private void transfer() {
        SimNode leader = cluster.leader();
        List<SimNode> up = cluster.upNodes();
        if (leader == null || up.isEmpty()) {
            return;
        }
        long[] voters = leader.status().config().voters().incoming().ids();
        long transferee = voters[random.nextInt(voters.length)];
        // Usually at the leader; sometimes through a follower, which forwards it.
        long via = random.nextBoolean() ? leader.id : up.get(random.nextInt(up.size())).id;
        cluster.transferLeader(via, transferee);
        transfers++;
    }

    /**
     * Proposes one membership change at the leader, judged against the leader's configuration:
     * leaves a joint configuration that waits for an explicit leave, else one or two changes.
     */
    private void changeMembership() {
        SimNode leader = cluster.leader();
        if (leader == null) {
            return;
        }
        ClusterConfig config = leader.status().config();
        if (config.voters().isJoint()) {
            if (!config.autoLeave()) {
                cluster.proposeConfChange(leader.id, ConfChanges.leaveJoint());
                confChanges++;
            }
            return;
        }
        Set<Long> voters = idSet(config.voters().incoming());
        Set<Long> learners = new TreeSet<>(config.learners());
        ConfChangeV2.Builder change = ConfChangeV2.newBuilder();
        int wanted = random.nextInt(3) == 0 ? 2 : 1;
        for (int attempt = 0; attempt < 4 && change.getChangesCount() < wanted; attempt++) {
            ConfChangeSingle single = pickChange(voters, learners);
            if (single != null) {
                change.addChanges(single);
            }
        }
        if (change.getChangesCount() == 0) {
            return;
        }
        if (change.getChangesCount() > 1 || random.nextInt(4) == 0) {
            change.setTransition(random.nextBoolean()
                    ? ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_EXPLICIT
                    : ConfChangeTransition.CONF_CHANGE_TRANSITION_JOINT_IMPLICIT);
        }
        cluster.proposeConfChange(leader.id, change.build());
        confChanges++;
    }

    /** One change that keeps the rules, applied to {@code voters}/{@code learners}; or null. */
    private ConfChangeSingle pickChange(Set<Long> voters, Set<Long> learners) {
        List<Long> freeSpares = new ArrayList<>();
        for (long spare : spares) {
            if (!cluster.isRemovedId(spare) && !voters.contains(spare)
                    && !learners.contains(spare)) {
                freeSpares.add(spare);
            }
        }
        switch (random.nextInt(4)) {
            case 0 -> {
                if (freeSpares.isEmpty() || voters.size() >= VOTERS_MAX) {
                    return null;
                }
                long id = freeSpares.get(random.nextInt(freeSpares.size()));
                startIfNeeded(id);
                boolean asVoter = random.nextBoolean();
                (asVoter ? voters : learners).add(id);
                return change(asVoter ? ConfChangeType.CONF_CHANGE_ADD_NODE
                        : ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE, id);
            }
            case 1 -> {
                if (learners.isEmpty() || voters.size() >= VOTERS_MAX) {
                    return null;
                }
                long id = List.copyOf(learners).get(random.nextInt(learners.size()));
                learners.remove(id);
                voters.add(id);
                return change(ConfChangeType.CONF_CHANGE_ADD_NODE, id);
            }
            case 2 -> {
                if (voters.size() <= VOTERS_MIN) {
                    return null;
                }
                long id = List.copyOf(voters).get(random.nextInt(voters.size()));
                voters.remove(id);
                learners.add(id);
                return change(ConfChangeType.CONF_CHANGE_ADD_LEARNER_NODE, id);
            }
            default -> {
                List<Long> removable = new ArrayList<>(learners);
                if (voters.size() > VOTERS_MIN) {
                    removable.addAll(voters);
                }
                if (removable.isEmpty()) {
                    return null;
                }
                long id = removable.get(random.nextInt(removable.size()));
                voters.remove(id);
                learners.remove(id);
                return change(ConfChangeType.CONF_CHANGE_REMOVE_NODE, id);
            }
        }
    }

    private void startIfNeeded(long id) {
        if (!cluster.hasNode(id)) {
            cluster.startJoiner(id);
        }
    }

    private static ConfChangeSingle change(ConfChangeType type, long id) {
        return ConfChangeSingle.newBuilder().setType(type).setNodeId(id).build();
    }

    private static Set<Long> idSet(MajorityConfig config) {
        Set<Long> ids = new TreeSet<>();
        for (long id : config.ids()) {
            ids.add(id);
        }
        return ids;
    }

    /**
     * Faults stop: partitions heal, the network calms, crashed nodes restart; sometimes one
     * voter stays down (or goes down now), if {@link #spareQuorumWithout} allows it.
     */
    void heal() {
        cluster.healNetwork();
        partitionEndsAtTick = -1;
        restartAtTick.clear();
        for (SimNode node : cluster.nodes()) {
            cluster.restart(node.id);
        }
        List<SimNode> up = cluster.upNodes();
        if (!up.isEmpty() && random.nextBoolean()) {
            SimNode victim = up.get(random.nextInt(up.size()));
            if (spareQuorumWithout(victim.id)) {
                cluster.crash(victim.id);
                cluster.trace(victim.id, "keep-down", "for the liveness check");
            }
        }
    }

    /**
     * Whether, without {@code id}, every configuration any running node has keeps a quorum up
     * with one voter to spare, not counting voters that may be on their way out (outgoing-only
     * voters of a joint configuration, members that applied their removal). The spare covers a
     * removal that is committed but not yet known: a removed leader stops before the others
     * learn of the commit, and they still count it as a voter of the old configuration.
     */
    private boolean spareQuorumWithout(long id) {
        Set<Long> staying = new HashSet<>();
        for (SimNode node : cluster.upNodes()) {
            if (node.id != id && !node.isRemoved()) {
                staying.add(node.id);
            }
        }
        for (SimNode node : cluster.upNodes()) {
            Status status = node.status();
            MajorityConfig incoming = status.config().voters().incoming();
            for (MajorityConfig half : List.of(incoming, status.config().voters().outgoing())) {
                int stayingVoters = 0;
                for (long voter : half.ids()) {
                    stayingVoters += staying.contains(voter) && incoming.contains(voter) ? 1 : 0;
                }
                if (!half.isEmpty() && stayingVoters < half.size() / 2 + 2) {
                    return false;
                }
            }
        }
        return true;
    }

    /** After healing, as an operator would: leave a joint configuration left waiting. */
    void operate() {
        SimNode leader = cluster.leader();
        if (leader == null || cluster.clock().ticks() % electionTicks != 0) {
            return;
        }
        ClusterConfig config = leader.status().config();
        if (config.voters().isJoint() && !config.autoLeave()) {
            cluster.proposeConfChange(leader.id, ConfChanges.leaveJoint());
        }
    }

    /** What the nemesis did in one run; {@link #plus} sums runs. */
    record Counts(long crashes, long partitions, long confChanges, long transfers) {

        static final Counts NONE = new Counts(0, 0, 0, 0);

        Counts plus(Counts other) {
            return new Counts(crashes + other.crashes, partitions + other.partitions,
                    confChanges + other.confChanges, transfers + other.transfers);
        }

        @Override
        public String toString() {
            return crashes + " crashes, " + partitions + " partitions, " + confChanges
                    + " conf changes proposed, " + transfers + " transfers";
        }
    }

    Counts counts() {
        return new Counts(crashes, partitions, confChanges, transfers);
    }
}
