package io.etcetera.raft.sim;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.etcetera.raft.MemoryStorage;
import io.etcetera.raft.MessageRejectedException;
import io.etcetera.raft.Peer;
import io.etcetera.raft.ProposalDroppedException;
import io.etcetera.raft.RaftRole;
import io.etcetera.raft.RawNode;
import io.etcetera.raft.ReadState;
import io.etcetera.raft.Ready;
import io.etcetera.raft.SnapshotStatus;
import io.etcetera.raft.Status;
import io.etcetera.raft.confchange.Changer;
import io.etcetera.raft.confchange.InvalidConfChangeException;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One simulated member: a {@link RawNode} driven as the server's raft loop drives it, over a
 * {@link MemoryStorage} kept in step with its {@link SimDisk}, applying to a
 * {@link SimStateMachine}.
 *
 * <p>The loop follows RawNode's caller duties. Inputs (peer messages, ticks, client requests,
 * transport reports) wait in an inbox while a Ready is being handled, since nothing but
 * {@code applyConfChange} may be called between {@code ready()} and {@code advance()}. Per Ready:
 * a leader sends at once; the snapshot, entries and hard state are written; after the disk's
 * latency they are synced (when {@code mustSync}) and made visible to the engine; a follower
 * sends only then; the snapshot and committed entries are applied; {@code advance()}. Every
 * {@code snapshotEntries} applied entries it snapshots its state machine and compacts its log.
 *
 * <p>A crash loses the engine, the inbox, the Ready in progress, unsynced writes (but for a
 * random prefix) and unflushed state; a restart follows the restart contract (applied at the
 * storage's snapshot, conf changes above it re-applied). A node that applies its own removal
 * stops for good a few ticks later, as an etcd member does. Confined to the simulation's single
 * thread.
 */
final class SimNode {

    /** Something for the raft loop to do, in arrival order. */
    sealed interface Input permits Receive, Tick, Propose, ProposeConfChange, ReadIndex,
            TransferLeader, ReportSnapshot, ReportUnreachable, Campaign {}

    record Receive(Message message) implements Input {}

    record Tick() implements Input {}

    record Propose(ByteString data) implements Input {}

    record ProposeConfChange(ConfChangeV2 change) implements Input {}

    record ReadIndex(ByteString context) implements Input {}

    record TransferLeader(long transferee) implements Input {}

    record ReportSnapshot(long to, SnapshotStatus status) implements Input {}

    record ReportUnreachable(long to) implements Input {}

    record Campaign() implements Input {}

    final long id;
    private final SimCluster cluster;
    private final SimOptions options;
    /** The initial voters when this node bootstraps a new cluster; empty for a joining node. */
    private final List<Peer> bootstrapPeers;
    final SimDisk disk;
    final SimStateMachine stateMachine = new SimStateMachine();
    final LogView log = new LogView();
    private final ArrayDeque<Input> inbox = new ArrayDeque<>();

    /**
     * Ticks a node that applied its own removal keeps running, as etcd's server does
     * (stopWithDelay), so that it can still answer while the others learn of the change.
     */
    static final int STOP_DELAY_TICKS = 10;

    private boolean up;
    /** Applied its own removal: stops for good at {@code stopAt}. */
    private boolean removed;
    private long stopAt;
    /**
     * Members this node saw removed (kept with the membership in the state machine, across
     * restarts): their messages are refused, as etcd's transport refuses them.
     */
    private final Set<Long> removedPeers = new HashSet<>();
    private int incarnation;
    private RawNode raw;
    private MemoryStorage storage;
    /** The role as of the last Ready's soft state. */
    private RaftRole role = RaftRole.FOLLOWER;
    /** The Ready being written, or null; it completes at {@code readyDoneAt}. */
    private Ready inProgress;
    private long readyDoneAt;
    private boolean sentEarly;
    /** The last index handed out for applying, by entry or by snapshot (etcd's appliedi). */
    private long appliedIndex;
    /** Answers to this node's read requests, and why requests were dropped: for scenarios. */
    private final List<ReadState> readStates = new ArrayList<>();
    private final List<ProposalDroppedException.Reason> drops = new ArrayList<>();

    SimNode(long id, SimCluster cluster, SimOptions options, List<Peer> bootstrapPeers) {
        this.id = id;
        this.cluster = cluster;
        this.options = options;
        this.bootstrapPeers = bootstrapPeers;
        this.disk = new SimDisk(id);
    }

    boolean isUp() {
        return up;
    }

    /**
     * A peer refused a message because this node was removed (etcd's peers answer 410 Gone, and
     * the member stops): stop now, even if this node never applied its removal.
     */
    void learnRemoved(long now) {
        if (up && !removed) {
            removed = true;
            stopAt = now;
        }
    }

    /** Whether a Ready is being written: a crash now loses part of it. */
    boolean isWriting() {
        return inProgress != null;
    }

    boolean isRemoved() {
        return removed;
    }

    int incarnation() {
        return incarnation;
    }

    RaftRole role() {
        return role;
    }

    long appliedIndex() {
        return appliedIndex;
    }

    MemoryStorage storage() {
        return storage;
    }

    Status status() {
        return raw.status();
    }

    List<ReadState> readStates() {
        return readStates;
    }

    List<ProposalDroppedException.Reason> drops() {
        return drops;
    }

    /**
     * Starts (or restarts) the node from what its disk holds; a member of the initial cluster
     * whose disk is empty bootstraps, as on its first start.
     */
    void start() {
        SimDisk.Recovered recovered = disk.recover();
        storage = new MemoryStorage();
        Snapshot snapshot = recovered.snapshot();
        long snapshotIndex = snapshot.getMetadata().getIndex();
        if (snapshotIndex > 0) {
            storage.applySnapshot(snapshot);
        }
        if (snapshotIndex > stateMachine.appliedIndex()) {
            // The crash came after a leader's snapshot was persisted and before it was applied:
            // restore the state machine from it, as etcd's server restores its backend from the
            // snapshot's database file (recoverSnapshotBackend).
            cluster.checker().onSnapshotRestored(this, snapshot);
            stateMachine.restore(snapshotIndex, snapshot.getData());
            cluster.trace(id, "restore", "state machine from snapshot " + snapshotIndex);
        }
        storage.setHardState(recovered.hardState());
        storage.append(recovered.entries());
        raw = new RawNode(options.raftConfig(id, storage, snapshotIndex, cluster.random().split()));
        if (recovered.isEmpty() && !bootstrapPeers.isEmpty()) {
            raw.bootstrap(bootstrapPeers);
        }
        log.reset(snapshotIndex, snapshot.getMetadata().getTerm(), recovered.entries());
        appliedIndex = snapshotIndex;
        role = RaftRole.FOLLOWER;
        up = true;
        incarnation++;
        cluster.checker().onStart(this);
    }

    /** Power loss: everything volatile is gone. */
    void crash() {
        int lostWrites = disk.crash(cluster.random());
        stateMachine.crash();
        inbox.clear();
        inProgress = null;
        raw = null;
        storage = null;
        up = false;
        cluster.trace(id, "crash", "lost " + lostWrites + " unsynced writes, state machine back to "
                + stateMachine.appliedIndex());
    }

    void enqueue(Input input) {
        if (up) {
            inbox.add(input);
        }
    }

    /**
     * Runs the raft loop as far as it can at {@code now}: finishes a Ready whose writes are done,
     * handles queued inputs, starts the next Ready.
     */
    void pump(long now) {
        if (removed && up && now >= stopAt) {
            cluster.trace(id, "stop", "removed from the cluster");
            up = false;
        }
        while (up) {
            if (inProgress != null) {
                if (readyDoneAt > now) {
                    return;
                }
                finishReady(now);
                continue;
            }
            if (!inbox.isEmpty()) {
                handle(inbox.poll());
                cluster.checker().afterStep(this);
            } else if (raw.hasReady()) {
                beginReady(now);
            } else {
                return;
            }
        }
    }

    private void handle(Input input) {
        try {
            if (input instanceof Receive receive) {
                receive(receive.message());
            } else if (input instanceof Tick) {
                raw.tick();
            } else if (input instanceof Propose propose) {
                cluster.trace(id, "propose", propose.data().toStringUtf8());
                raw.propose(propose.data());
            } else if (input instanceof ProposeConfChange change) {
                cluster.trace(id, "conf", ConfChanges.describe(change.change()));
                raw.proposeConfChange(change.change());
            } else if (input instanceof ReadIndex read) {
                cluster.trace(id, "read", read.context().toStringUtf8());
                cluster.checker().onReadStart(read.context());
                raw.readIndex(read.context());
            } else if (input instanceof TransferLeader transfer) {
                cluster.trace(id, "transfer", "to " + transfer.transferee());
                raw.transferLeader(transfer.transferee());
            } else if (input instanceof ReportSnapshot report) {
                raw.reportSnapshot(report.to(), report.status());
            } else if (input instanceof ReportUnreachable report) {
                raw.reportUnreachable(report.to());
            } else {
                cluster.trace(id, "campaign", "");
                raw.campaign();
            }
        } catch (ProposalDroppedException dropped) {
            cluster.trace(id, "dropped", dropped.reason());
            drops.add(dropped.reason());
            if (input instanceof ReadIndex read) {
                cluster.checker().onReadDropped(read.context());
            }
        }
    }

    private void receive(Message message) {
        if (removedPeers.contains(message.getFrom())) {
            // As etcd's transport: messages from removed members are refused, and the sender
            // learns that it was removed.
            cluster.trace(id, "refuse", message);
            cluster.node(message.getFrom()).learnRemoved(cluster.clock().now());
            return;
        }
        cluster.trace(id, "recv", message);
        try {
            raw.step(message);
        } catch (MessageRejectedException rejected) {
            cluster.trace(id, "reject", rejected.getMessage());
        }
    }

    private void beginReady(long now) {
        Ready ready = raw.ready();
        if (ready.softState().isPresent()) {
            role = ready.softState().get().role();
        }
        cluster.checker().onReady(this, ready);
        inProgress = ready;
        sentEarly = role == RaftRole.LEADER;
        if (sentEarly) {
            // Thesis §10.2.1: the leader sends while it writes.
            send(ready.messages());
        }
        ready.snapshot().ifPresent(disk::writeSnapshot);
        disk.writeEntries(ready.entries());
        ready.hardState().ifPresent(disk::writeHardState);
        int latency = options.diskLatencyMaxInstants();
        readyDoneAt = now + (latency == 0 ? 0 : cluster.random().nextInt(latency + 1));
    }

    private void finishReady(long now) {
        Ready ready = inProgress;
        if (ready.mustSync()) {
            disk.sync();
        }
        ready.snapshot().ifPresent(storage::applySnapshot);
        storage.append(ready.entries());
        ready.hardState().ifPresent(storage::setHardState);
        if (!sentEarly) {
            send(ready.messages());
        }
        ready.snapshot().ifPresent(this::applySnapshot);
        boolean removedSelf = false;
        for (Entry entry : ready.committedEntries()) {
            removedSelf |= applyCommitted(entry);
        }
        for (ReadState readState : ready.readStates()) {
            cluster.trace(id, "readstate", readState.requestContext().toStringUtf8() + " at "
                    + readState.index());
            cluster.checker().onReadState(this, readState);
            readStates.add(readState);
        }
        if (cluster.random().nextInt(1000) < options.flushPerMille()) {
            stateMachine.flush();
        }
        inProgress = null;
        raw.advance(ready);
        cluster.checker().afterStep(this);
        if (removedSelf && !removed) {
            removed = true;
            stopAt = now + (long) STOP_DELAY_TICKS * SimClock.INSTANTS_PER_TICK;
        }
        maybeSnapshot();
    }

    private void send(List<Message> messages) {
        for (Message message : messages) {
            if (message.getType() == MessageType.MsgSnap) {
                message = withCurrentSnapshot(message);
            }
            cluster.send(message, incarnation);
        }
    }

    /**
     * As etcd's server does (createMergedSnapshotMessage), sends the state machine as of the
     * applied index, with the configuration as of it, rather than the older snapshot in storage:
     * a member added after that snapshot is not in its configuration and would refuse it.
     */
    private Message withCurrentSnapshot(Message message) {
        if (stateMachine.appliedIndex() != appliedIndex
                || appliedIndex <= message.getSnapshot().getMetadata().getIndex()) {
            return message;
        }
        Snapshot current = Snapshot.newBuilder().setData(stateMachine.snapshotData())
                .setMetadata(SnapshotMetadata.newBuilder().setIndex(appliedIndex)
                        .setTerm(storage.term(appliedIndex))
                        .setConfState(raw.status().config().toConfState()))
                .build();
        return message.toBuilder().setSnapshot(current).build();
    }

    private void applySnapshot(Snapshot snapshot) {
        long index = snapshot.getMetadata().getIndex();
        cluster.trace(id, "install", "snapshot " + index + "/" + snapshot.getMetadata().getTerm());
        cluster.checker().onSnapshotInstalled(this, snapshot);
        if (index > stateMachine.appliedIndex()) {
            stateMachine.restore(index, snapshot.getData());
        }
        appliedIndex = index;
    }

    /** Applies one committed entry; returns whether it removed this node from the cluster. */
    private boolean applyCommitted(Entry entry) {
        if (entry.getIndex() != appliedIndex + 1) {
            throw new AssertionError("node " + id + " handed entry " + entry.getIndex()
                    + " to apply after " + appliedIndex);
        }
        appliedIndex = entry.getIndex();
        cluster.checker().onCommittedEntry(this, entry);
        if (stateMachine.apply(entry)) {
            cluster.checker().onApplied(this, entry, stateMachine.hash());
            if (entry.getType() == EntryType.ENTRY_NORMAL) {
                cluster.onApplied(this, entry);
            }
        }
        if (entry.getType() == EntryType.ENTRY_NORMAL) {
            return false;
        }
        ConfChangeV2 change = parseConfChange(entry);
        ConfState before = raw.status().config().toConfState();
        ConfState after;
        try {
            after = raw.applyConfChange(change);
        } catch (InvalidConfChangeException refused) {
            // Every member refuses the same change at the same index: skipped, as etcd does.
            cluster.trace(id, "refused", ConfChanges.describe(change) + ": "
                    + refused.getMessage());
            return false;
        }
        cluster.trace(id, "applyconf", entry.getIndex() + " " + ConfChanges.describe(change)
                + " -> " + ConfChanges.describe(after));
        Set<Long> gone = ConfChanges.members(before);
        gone.removeAll(ConfChanges.members(after));
        removedPeers.addAll(gone);
        cluster.onRemoved(gone);
        // Not a member in between is normal while a restarted node re-applies the changes that
        // built its configuration; only leaving it is a removal.
        return ConfChanges.isMember(before, id) && !ConfChanges.isMember(after, id);
    }

    private static ConfChangeV2 parseConfChange(Entry entry) {
        try {
            if (entry.getType() == EntryType.ENTRY_CONF_CHANGE) {
                return Changer.toV2(ConfChange.parseFrom(entry.getData()));
            }
            return ConfChangeV2.parseFrom(entry.getData());
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("committed conf change at " + entry.getIndex()
                    + " does not parse", e);
        }
    }

    /**
     * Every {@code snapshotEntries} applied entries: flush the state machine, snapshot it with
     * the configuration as of that index, save the snapshot and compact the log, keeping
     * {@code catchUpEntries} below it. Only when the state machine is exactly at the applied
     * index (after a restart it may be ahead, and the configuration would not match its data).
     */
    private void maybeSnapshot() {
        long snapshotIndex = storage.snapshot().getMetadata().getIndex();
        if (options.snapshotEntries() == 0
                || appliedIndex - snapshotIndex < options.snapshotEntries()
                || stateMachine.appliedIndex() != appliedIndex) {
            return;
        }
        ConfState confState = raw.status().config().toConfState();
        stateMachine.flush();
        Snapshot snapshot = storage.createSnapshot(appliedIndex, confState,
                stateMachine.snapshotData());
        disk.saveOwnSnapshot(snapshot);
        long compactIndex = appliedIndex - options.catchUpEntries();
        if (compactIndex >= storage.firstIndex()) {
            long compactTerm = storage.term(compactIndex);
            storage.compact(compactIndex);
            log.compact(compactIndex, compactTerm);
        }
        cluster.trace(id, "snapshot", "at " + appliedIndex + ", log from "
                + storage.firstIndex());
    }
}
