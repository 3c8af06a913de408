package io.etcetera.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import io.etcetera.invariants.Invariants;
import io.etcetera.metrics.ServerMetrics;
import io.etcetera.raft.MemoryStorage;
import io.etcetera.raft.MessageRejectedException;
import io.etcetera.raft.ProposalDroppedException;
import io.etcetera.raft.RaftRole;
import io.etcetera.raft.RawNode;
import io.etcetera.raft.Ready;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.wal.Snapshotter;
import io.etcetera.wal.Wal;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The raft loop (etcd's {@code raftNode.start}): the one thread that owns the {@link RawNode}, its
 * {@link MemoryStorage}, the {@link Wal} and the {@link Snapshotter}. It drains its inbox, ticks
 * every heartbeat interval of its clock, and handles each Ready:
 *
 * <ol>
 *   <li>leadership and hard-state changes go to the {@link ReadyHandler}, read states to the
 *       {@link ReadIndexBatcher};
 *   <li>as leader, messages are sent at once (thesis §10.2.1);
 *   <li>committed entries go to the server loop (they are durable already: on a quorum, and for
 *       a single member in this WAL), before this Ready's own fsync, as etcd does;
 *   <li>the WAL saves a snapshot first (file, then marker), then the hard state and the new entries
 *       with one fsync; the same then goes into the MemoryStorage;
 *   <li>as follower, messages are sent only now, after the fsync;
 *   <li>committed conf changes are applied to the RawNode (on restart too: Raft restarts from the
 *       snapshot's configuration and hands out the conf changes above it again), once the apply
 *       thread has applied them and said which it refused: those are left out;
 *   <li>{@code advance}.
 * </ol>
 *
 * <p>Group commit: every queued event (proposals above all) is taken before the next Ready, so one
 * fsync covers all proposals that arrived during the previous one. A hard state that only moved
 * the commit index (no {@code mustSync}) is not written at once; it goes with the next write, as
 * etcd writes it unsynced.
 *
 * <p>Snapshots: when the apply thread has made the store durable up to an index it asks for a
 * snapshot there: the MemoryStorage records it, the snapshot file and the WAL marker are written,
 * the WAL releases what it covers, and the in-memory log keeps {@code catchUpEntries} below it.
 *
 * <p>Thread: {@code raft-loop}. Any failure is fatal: the member stops.
 */
final class RaftLoop implements Runnable {

    /** Events handled before the next Ready is taken, at most (bounds one iteration). */
    static final int EVENTS_PER_READY_MAX = 1 << 14;

    /**
     * Proposals stepped as one at most: bounds one proposal's bytes, which Raft accepts or drops
     * whole against its uncommitted-tail limit.
     */
    static final int PROPOSALS_PER_STEP_MAX = 256;

    private static final Logger LOG = Logger.getLogger(RaftLoop.class);

    /** The decisions of a Ready without conf changes to apply: nothing refused, nothing to wait. */
    private static final CompletableFuture<Set<Long>> NO_CONF_REFUSALS =
            CompletableFuture.completedFuture(Set.of());

    private final long memberId;
    private final RawNode node;
    private final MemoryStorage storage;
    private final Wal wal;
    private final Snapshotter snapshotter;
    private final RaftInbox inbox;
    private final InstantSource clock;
    private final long tickMillis;
    private final long catchUpEntries;
    private final ReadyHandler readyHandler;
    private final ReadIndexBatcher reads;
    private final WaitRegistry waits;
    private final ServerLoop serverLoop;
    /** The single point where messages leave this member: the peer transport. */
    private final Consumer<List<Message>> transport;
    private final HeartbeatDelays heartbeats;

    /** Conf changes applied to the RawNode, newest last, since the last snapshot's. */
    private final ArrayDeque<ConfAt> confHistory = new ArrayDeque<>();
    /** Conf change entries at or below this index are already in the RawNode's configuration. */
    private long confAppliedIndex;
    private long snapshotIndex;
    private HardState hardState;
    /** Whether {@link #hardState} moved only its commit index since it was last written. */
    private boolean hardStatePending;
    private boolean leader;
    private RaftRole role = RaftRole.FOLLOWER;
    /** Whether a leader was seen since start: then this loop never campaigns on its own. */
    private boolean electionDone;
    /** Proposals made while no leader was known, proposed again once one is; bounded. */
    private final ArrayDeque<RaftEvent.Propose> awaitingLeader = new ArrayDeque<>();

    /**
     * Proposals taken from the inbox and not yet given to Raft: stepped together as one proposal
     * (see {@link #proposePending}), so one append and one MsgApp per follower carry them all
     * instead of one each.
     */
    private final List<RaftEvent.Propose> proposing = new ArrayList<>();
    private volatile boolean stopRequested;

    /** The configuration as of a log index. */
    private record ConfAt(long index, ConfState confState) {}

    RaftLoop(long memberId, RaftParts parts, RaftInbox inbox, InstantSource clock,
            ServerSettings settings, ReadyHandler readyHandler, ReadIndexBatcher reads,
            WaitRegistry waits, ServerLoop serverLoop, Consumer<List<Message>> transport) {
        this.memberId = memberId;
        this.node = parts.node();
        this.storage = parts.storage();
        this.wal = parts.wal();
        this.snapshotter = parts.snapshotter();
        this.inbox = inbox;
        this.clock = clock;
        this.tickMillis = settings.tickMillis();
        this.catchUpEntries = settings.catchUpEntries();
        this.readyHandler = readyHandler;
        this.reads = reads;
        this.waits = waits;
        this.serverLoop = serverLoop;
        this.transport = transport;
        this.heartbeats = new HeartbeatDelays(settings.tickMillis());
        Snapshot snapshot = storage.snapshot();
        this.snapshotIndex = snapshot.getMetadata().getIndex();
        this.confHistory.add(new ConfAt(snapshotIndex, parts.confState()));
        this.confAppliedIndex = parts.confAppliedIndex();
        this.hardState = storage.initialState().hardState();
    }

    /** Asks the loop to leave; safe from any thread, also when the inbox is full. */
    void requestStop() {
        stopRequested = true;
        inbox.offer(new RaftEvent.Stop());
    }

    @Override
    public void run() {
        try {
            loop();
            if (hardStatePending) {
                wal.save(hardState, List.of());
            }
        } catch (Throwable failure) {
            serverLoop.fatal(failure);
        } finally {
            try {
                wal.close();
            } catch (IOException e) {
                serverLoop.fatal(e);
            }
        }
    }

    private void loop() throws IOException, InterruptedException {
        maybeCampaign();
        long nextTickMillis = clock.millis() + tickMillis;
        while (!stopRequested) {
            long waitMillis = nextTickMillis - clock.millis();
            RaftEvent event = node.hasReady() || waitMillis <= 0 ? inbox.poll()
                    : inbox.poll(waitMillis);
            for (int handled = 0; event != null; handled++) {
                if (event instanceof RaftEvent.Stop) {
                    return;
                }
                handle(event);
                event = handled < EVENTS_PER_READY_MAX ? inbox.poll() : null;
            }
            proposePending();
            long now = clock.millis();
            if (now >= nextTickMillis) {
                node.tick();
                // A loop slowed by the disk skips the ticks it missed, as Go's ticker drops them.
                nextTickMillis = Math.max(nextTickMillis + tickMillis, now + 1);
            }
            if (node.hasReady()) {
                processReady(node.ready());
                maybeCampaign();
                reproposeAwaitingLeader();
            }
        }
    }

    private void handle(RaftEvent event) throws IOException {
        if (event instanceof RaftEvent.Propose propose) {
            take(propose);
            return;
        }
        proposePending(); // proposals stay in order with the other events
        if (event instanceof RaftEvent.ProposeConfChange change) {
            proposeConfChange(change.change());
        } else if (event instanceof RaftEvent.ReadStatus status) {
            status.answer().complete(node.status());
        } else if (event instanceof RaftEvent.Step step) {
            step(step.message());
        } else if (event instanceof RaftEvent.ReadIndex read) {
            readIndex(read.context());
        } else if (event instanceof RaftEvent.ReportSnapshot report) {
            node.reportSnapshot(report.peerId(), report.status());
        } else if (event instanceof RaftEvent.ReportUnreachable report) {
            node.reportUnreachable(report.peerId());
        } else if (event instanceof RaftEvent.TransferLeader transfer) {
            node.transferLeader(transfer.transferee());
        } else if (event instanceof RaftEvent.CreateSnapshot create) {
            createSnapshot(create.appliedIndex());
        } else {
            throw new IllegalStateException("unexpected raft event " + event);
        }
    }

    private void take(RaftEvent.Propose propose) {
        proposing.add(propose);
        if (proposing.size() >= PROPOSALS_PER_STEP_MAX) {
            proposePending();
        }
    }

    /** Gives Raft the proposals taken so far as one proposal. */
    private void proposePending() {
        if (proposing.isEmpty()) {
            return;
        }
        List<ByteString> data = new ArrayList<>(proposing.size());
        for (RaftEvent.Propose propose : proposing) {
            data.add(propose.data());
        }
        try {
            node.proposeAll(data);
        } catch (ProposalDroppedException dropped) {
            for (RaftEvent.Propose propose : proposing) {
                dropped(propose, dropped);
            }
        }
        proposing.clear();
    }

    private void dropped(RaftEvent.Propose propose, ProposalDroppedException dropped) {
        if (dropped.reason() != ProposalDroppedException.Reason.NO_LEADER) {
            ServerMetrics.PROPOSALS_FAILED.increment();
            waits.fail(propose.id(), RequestFailedException.of(Reason.PROPOSAL_DROPPED));
        } else if (awaitingLeader.size() < RaftInbox.EVENTS_MAX) {
            // etcd 3.4 holds a proposal made without a leader until one is elected or the
            // request times out; so does this loop.
            awaitingLeader.add(propose);
        } else {
            ServerMetrics.PROPOSALS_FAILED.increment();
            waits.fail(propose.id(), RequestFailedException.of(Reason.TOO_MANY_REQUESTS));
        }
    }

    private void proposeConfChange(ConfChange change) {
        try {
            node.proposeConfChange(change);
        } catch (ProposalDroppedException dropped) {
            waits.fail(change.getId(), RequestFailedException.of(
                    dropped.reason() == ProposalDroppedException.Reason.NO_LEADER
                            ? Reason.NO_LEADER : Reason.PROPOSAL_DROPPED));
        }
    }

    /** Proposes again what waited for a leader, once one is known. */
    private void reproposeAwaitingLeader() {
        if (awaitingLeader.isEmpty() || readyHandler.leaderId() == 0) {
            return;
        }
        List<RaftEvent.Propose> waiting = new ArrayList<>(awaitingLeader);
        awaitingLeader.clear();
        for (RaftEvent.Propose propose : waiting) {
            if (waits.isWaiting(propose.id())) {
                take(propose);
            }
        }
        proposePending();
    }

    private void step(Message message) {
        try {
            node.step(message);
        } catch (MessageRejectedException rejected) {
            LOG.debugf("dropped a peer message: %s", rejected.getMessage());
        }
    }

    private void readIndex(ByteString context) {
        try {
            node.readIndex(context);
        } catch (ProposalDroppedException dropped) {
            // No leader, or too many reads pending: the batcher resends the round, as etcd does.
            LOG.debugf("read index dropped: %s", dropped.reason());
        }
    }

    private void processReady(Ready ready) throws IOException, InterruptedException {
        long nowMillis = clock.millis();
        ready.softState().ifPresent(state -> {
            role = state.role();
            leader = state.role() == RaftRole.LEADER;
            readyHandler.onSoftState(state, nowMillis);
        });
        ready.hardState().ifPresent(readyHandler::onHardState);
        if (!ready.readStates().isEmpty()) {
            reads.onReadStates(ready.readStates());
        }
        heartbeats.observe(leader, ready.messages(), nowMillis);
        if (leader) {
            send(ready.messages());
        }
        Optional<Snapshot> snapshot = ready.snapshot();
        CompletableFuture<Set<Long>> confRefusals = confRefusalsFor(ready.committedEntries());
        if (snapshot.isEmpty()) {
            handOff(Optional.empty(), ready.committedEntries(), confRefusals);
        } else {
            snapshotter.save(snapshot.get());
            wal.saveSnapshot(snapshot.get().getMetadata());
        }
        persist(ready);
        if (snapshot.isPresent()) {
            installSnapshot(snapshot.get());
            handOff(snapshot, ready.committedEntries(), confRefusals);
        }
        storage.append(ready.entries());
        if (!leader) {
            send(ready.messages());
        }
        applyConfChanges(ready.committedEntries(), confRefusals);
        node.advance(ready);
    }

    /** Saves the hard state and entries with one fsync, or defers a commit-only hard state. */
    private void persist(Ready ready) throws IOException {
        ready.hardState().ifPresent(state -> hardState = state);
        if (ready.mustSync() || !ready.entries().isEmpty()) {
            wal.save(hardState, ready.entries());
            hardStatePending = false;
        } else if (ready.hardState().isPresent()) {
            hardStatePending = true;
        }
        ready.hardState().ifPresent(storage::setHardState);
    }

    private void installSnapshot(Snapshot snapshot) throws IOException {
        storage.applySnapshot(snapshot);
        long index = snapshot.getMetadata().getIndex();
        wal.releaseTo(index);
        snapshotIndex = index;
        confHistory.clear();
        confHistory.add(new ConfAt(index, snapshot.getMetadata().getConfState()));
        confAppliedIndex = Math.max(confAppliedIndex, index);
    }

    private void handOff(Optional<Snapshot> snapshot, List<Entry> entries,
            CompletableFuture<Set<Long>> confRefusals) throws InterruptedException {
        if (snapshot.isEmpty() && entries.isEmpty()) {
            return;
        }
        ServerEvent.Apply apply = new ServerEvent.Apply(snapshot, entries, confRefusals);
        while (!serverLoop.offerApply(apply, tickMillis)) {
            if (stopRequested) {
                return;
            }
        }
    }

    private void send(List<Message> messages) {
        if (!messages.isEmpty()) {
            transport.accept(messages);
        }
    }

    /**
     * A future for the refused conf changes among {@code committed} if some of them are still to
     * be applied to the RawNode, else one already complete: only then does the loop wait.
     */
    private CompletableFuture<Set<Long>> confRefusalsFor(List<Entry> committed) {
        for (Entry entry : committed) {
            if (entry.getIndex() > confAppliedIndex
                    && entry.getType() == EntryType.ENTRY_CONF_CHANGE) {
                return new CompletableFuture<>();
            }
        }
        return NO_CONF_REFUSALS;
    }

    /**
     * Applies the committed conf changes to the RawNode, leaving out those the apply thread
     * refused (etcd's {@code applyConfChange} with node ID None). Like etcd's raft loop with a
     * conf change among the committed entries, this waits until the apply thread has applied
     * them, so Raft's configuration never runs ahead of the membership that decides it.
     */
    private void applyConfChanges(List<Entry> committed, CompletableFuture<Set<Long>> refusals)
            throws InvalidProtocolBufferException, InterruptedException {
        Set<Long> refused = awaitRefusals(refusals);
        if (refused == null) {
            return; // stopping: the apply thread may never get to these entries
        }
        for (Entry entry : committed) {
            if (entry.getIndex() <= confAppliedIndex) {
                continue;
            }
            ConfState confState;
            if (entry.getType() == EntryType.ENTRY_CONF_CHANGE) {
                if (refused.contains(entry.getIndex())) {
                    confAppliedIndex = entry.getIndex();
                    continue;
                }
                confState = node.applyConfChange(ConfChange.parseFrom(entry.getData()));
            } else if (entry.getType() == EntryType.ENTRY_CONF_CHANGE_V2) {
                confState = node.applyConfChange(ConfChangeV2.parseFrom(entry.getData()));
            } else {
                continue;
            }
            confHistory.add(new ConfAt(entry.getIndex(), confState));
            confAppliedIndex = entry.getIndex();
        }
    }

    /** The refused conf changes once applied, or null if the loop is asked to stop first. */
    private Set<Long> awaitRefusals(CompletableFuture<Set<Long>> refusals)
            throws InterruptedException {
        while (true) {
            try {
                return refusals.get(tickMillis, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                if (stopRequested) {
                    return null;
                }
            } catch (ExecutionException impossible) {
                throw new IllegalStateException("conf change decisions failed", impossible);
            }
        }
    }

    /**
     * A single voter elects itself at once (etcd fast-forwards its election ticks for a
     * single-node cluster); a member of a larger cluster waits for its election timeout.
     */
    private void maybeCampaign() {
        if (electionDone) {
            return;
        }
        ConfState current = confHistory.getLast().confState();
        if (readyHandler.leaderId() != 0 || current.getVotersCount() > 1) {
            electionDone = true;
        } else if (role == RaftRole.FOLLOWER && current.getVotersCount() == 1
                && current.getVoters(0) == memberId && current.getVotersOutgoingCount() == 0) {
            node.campaign(); // a no-op until the configuration's conf changes are applied
        }
    }

    /** Snapshots Raft at {@code index}, which the store has made durable, and compacts the log. */
    private void createSnapshot(long index) throws IOException {
        if (index <= snapshotIndex) {
            return;
        }
        Invariants.check(index <= storage.lastIndex(), "snapshot at %d beyond the last index %d",
                index, storage.lastIndex());
        if (hardStatePending) {
            // A snapshot marker counts only below the persisted commit index.
            wal.save(hardState, List.of());
            hardStatePending = false;
        }
        Snapshot snapshot = storage.createSnapshot(index, confStateAt(index), ByteString.EMPTY);
        snapshotter.save(snapshot);
        wal.saveSnapshot(snapshot.getMetadata());
        wal.releaseTo(index);
        long compactIndex = index > catchUpEntries ? index - catchUpEntries : 1;
        if (compactIndex >= storage.firstIndex()) {
            storage.compact(compactIndex);
        }
        snapshotIndex = index;
        LOG.infof("saved snapshot at index %d; the raft log in memory starts at %d", index,
                storage.firstIndex());
    }

    /** The configuration as of {@code index}; drops history no later snapshot needs. */
    private ConfState confStateAt(long index) {
        ConfAt base = confHistory.removeFirst();
        while (!confHistory.isEmpty() && confHistory.getFirst().index() <= index) {
            base = confHistory.removeFirst();
        }
        confHistory.addFirst(base);
        return base.confState();
    }
}
