package io.etcetera.raft.sim;

import com.google.protobuf.ByteString;
import io.etcetera.raft.Peer;
import io.etcetera.raft.RaftRole;
import io.etcetera.raft.SnapshotStatus;
import io.etcetera.raft.Status;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * A simulated Raft cluster on one thread: {@link SimNode}s over a {@link SimNetwork}, ticked by a
 * {@link SimClock}, each with its {@link SimDisk}, checked after every step by a
 * {@link SafetyChecker}. Everything random comes from one seed, so a seed replays exactly.
 *
 * <p>Time advances one instant at a time ({@link #runInstant}): due messages are delivered to
 * inboxes, due ticks queued, then every node's raft loop runs as far as it can. Faults are
 * injected from outside (crash, restart, partitions, network faults), as are client requests
 * (proposals, reads, conf changes, transfers), which go to a node's inbox as a client's request
 * reaches a server. The initial voters are 1..{@code voters}; spare IDs after them can join.
 * Confined to the thread that runs it.
 */
final class SimCluster {

    private final long seed;
    private final SimOptions options;
    private final SplittableRandom random;
    private final SimClock clock = new SimClock();
    private final SimNetwork network;
    private final SimTrace trace = new SimTrace();
    private final SafetyChecker checker = new SafetyChecker();
    private final TreeMap<Long, SimNode> nodes = new TreeMap<>();
    /** IDs removed from the configuration by some applied conf change; never members again. */
    private final Set<Long> removedIds = new HashSet<>();
    /** Per normal entry's data, the first index where it was applied. */
    private final Map<ByteString, Long> appliedAt = new HashMap<>();

    /** A cluster whose whole configuration is drawn from {@code seed}. */
    SimCluster(long seed) {
        this(seed, SimOptions.random(new SplittableRandom(seed ^ 0x5DEECE66DL)));
    }

    SimCluster(long seed, SimOptions options) {
        this.seed = seed;
        this.options = options;
        this.random = new SplittableRandom(seed);
        this.network = new SimNetwork(random.split());
        List<Peer> peers = new ArrayList<>();
        for (long id = 1; id <= options.voters(); id++) {
            peers.add(new Peer(id, ByteString.EMPTY));
        }
        for (long id = 1; id <= options.voters(); id++) {
            startNew(id, peers);
        }
    }

    long seed() {
        return seed;
    }

    SimOptions options() {
        return options;
    }

    SplittableRandom random() {
        return random;
    }

    SimClock clock() {
        return clock;
    }

    SimNetwork network() {
        return network;
    }

    SafetyChecker checker() {
        return checker;
    }

    void trace(long node, String what, Object detail) {
        trace.add(clock.now(), node, what, detail);
    }

    String traceTail(int lines) {
        return trace.tail(lines);
    }

    SimNode node(long id) {
        SimNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id);
        }
        return node;
    }

    boolean hasNode(long id) {
        return nodes.containsKey(id);
    }

    Collection<SimNode> nodes() {
        return nodes.values();
    }

    List<SimNode> upNodes() {
        return nodes.values().stream().filter(SimNode::isUp).toList();
    }

    /** The running leader of the highest term, or null. */
    SimNode leader() {
        SimNode leader = null;
        long leaderTerm = -1;
        for (SimNode node : nodes.values()) {
            if (node.isUp()) {
                Status status = node.status();
                long term = status.hardState().getTerm();
                if (status.softState().role() == RaftRole.LEADER && term > leaderTerm) {
                    leader = node;
                    leaderTerm = term;
                }
            }
        }
        return leader;
    }

    /** Starts a node with an empty disk that joins once a conf change adds it. */
    SimNode startJoiner(long id) {
        return startNew(id, List.of());
    }

    private SimNode startNew(long id, List<Peer> bootstrapPeers) {
        SimNode node = new SimNode(id, this, options, bootstrapPeers);
        nodes.put(id, node);
        node.start();
        clock.schedule(id, random.nextInt(SimClock.INSTANTS_PER_TICK));
        trace(id, "start", bootstrapPeers.isEmpty() ? "joiner" : "bootstrap");
        return node;
    }

    void crash(long id) {
        SimNode node = node(id);
        if (node.isUp()) {
            node.crash();
            clock.unschedule(id);
        }
    }

    /** Restarts a crashed node from its disk; a removed node stays down. */
    void restart(long id) {
        SimNode node = node(id);
        if (!node.isUp() && !node.isRemoved()) {
            node.start();
            clock.schedule(id, random.nextInt(SimClock.INSTANTS_PER_TICK));
            trace(id, "restart", "from snapshot " + node.disk.durableSnapshotIndex() + ", "
                    + SimDisk.describe(node.disk.durableHardState()));
        }
    }

    void propose(long via, String data) {
        node(via).enqueue(new SimNode.Propose(ByteString.copyFromUtf8(data)));
    }

    void proposeConfChange(long via, ConfChangeV2 change) {
        node(via).enqueue(new SimNode.ProposeConfChange(change));
    }

    void read(long via, String context) {
        node(via).enqueue(new SimNode.ReadIndex(ByteString.copyFromUtf8(context)));
    }

    void transferLeader(long via, long transferee) {
        node(via).enqueue(new SimNode.TransferLeader(transferee));
    }

    void campaign(long id) {
        node(id).enqueue(new SimNode.Campaign());
    }

    /** Removes every partition and calms the network. */
    void healNetwork() {
        network.heal();
        network.setFaults(NetworkFaults.CALM);
        trace(0, "heal", "network");
    }

    void runTicks(int ticks) {
        for (long end = clock.now() + (long) ticks * SimClock.INSTANTS_PER_TICK;
                clock.now() < end; ) {
            runInstant();
        }
    }

    /** Runs until {@code done} holds (checked every instant), at most {@code ticksMax} ticks. */
    boolean runUntil(BooleanSupplier done, int ticksMax) {
        for (long end = clock.now() + (long) ticksMax * SimClock.INSTANTS_PER_TICK;
                clock.now() < end; ) {
            if (done.getAsBoolean()) {
                return true;
            }
            runInstant();
        }
        return done.getAsBoolean();
    }

    /** One instant: deliveries, ticks, then every raft loop as far as it goes. */
    void runInstant() {
        clock.advance();
        long now = clock.now();
        for (SimNetwork.Delivery delivery : network.takeDue(now)) {
            deliver(delivery);
        }
        for (SimNode node : nodes.values()) {
            if (node.isUp() && clock.tickDue(node.id)) {
                node.enqueue(new SimNode.Tick());
                clock.scheduleNextTick(node.id, drift());
            }
        }
        for (SimNode node : nodes.values()) {
            node.pump(now);
        }
    }

    private int drift() {
        if (options.driftPerMille() == 0 || random.nextInt(1000) >= options.driftPerMille()) {
            return 0;
        }
        return random.nextBoolean() ? 1 + random.nextInt(3) : -1 - random.nextInt(3);
    }

    void send(Message message, int senderIncarnation) {
        network.send(message, senderIncarnation, clock.now());
    }

    /**
     * Hands a message to its node, or loses it; as a transport does, tells the sender how a
     * snapshot went and, now and then, that a peer is unreachable.
     */
    private void deliver(SimNetwork.Delivery delivery) {
        Message message = delivery.message();
        SimNode to = nodes.get(message.getTo());
        boolean lost = delivery.lost() || to == null || !to.isUp();
        if (lost) {
            trace(message.getTo(), "lost", message);
        } else {
            to.enqueue(new SimNode.Receive(message));
        }
        SimNode from = nodes.get(message.getFrom());
        if (from == null || !from.isUp() || from.incarnation() != delivery.senderIncarnation()) {
            return;
        }
        if (message.getType() == MessageType.MsgSnap) {
            from.enqueue(new SimNode.ReportSnapshot(message.getTo(),
                    lost ? SnapshotStatus.FAILURE : SnapshotStatus.FINISH));
        }
        if (lost && random.nextInt(4) == 0) {
            from.enqueue(new SimNode.ReportUnreachable(message.getTo()));
        }
    }

    boolean isRemovedId(long id) {
        return removedIds.contains(id);
    }

    void onRemoved(Set<Long> ids) {
        removedIds.addAll(ids);
    }

    void onApplied(SimNode node, Entry entry) {
        appliedAt.putIfAbsent(entry.getData(), entry.getIndex());
    }

    /** The first index where an entry with {@code data} was applied, or -1. */
    long appliedAt(String data) {
        return appliedAt.getOrDefault(ByteString.copyFromUtf8(data), -1L);
    }

    /** Every node's state, the network's, and the options, for a failure report. */
    String describe() {
        StringBuilder text = new StringBuilder();
        text.append("  options: ").append(options.describe()).append('\n');
        text.append(String.format("  at tick %.1f; partitions: %s; in flight: %d; removed: %s%n",
                clock.now() / (double) SimClock.INSTANTS_PER_TICK,
                network.describePartitions(), network.inFlightCount(), removedIds));
        for (SimNode node : nodes.values()) {
            text.append("  n").append(node.id).append(": ");
            if (!node.isUp()) {
                text.append(node.isRemoved() ? "removed" : "down").append(", durable ")
                        .append(SimDisk.describe(node.disk.durableHardState()));
            } else {
                Status status = node.status();
                text.append(status.softState().role()).append(" lead=")
                        .append(status.softState().leader()).append(' ')
                        .append(SimDisk.describe(status.hardState())).append(" applied=")
                        .append(node.appliedIndex()).append(" last=")
                        .append(node.log.lastIndex()).append(' ').append(status.config());
                if (!status.progress().toString().isEmpty()) {
                    text.append("\n      progress: ").append(status.progress());
                }
            }
            text.append('\n');
        }
        return text.toString();
    }
}
