package io.etcetera.raft;

import com.google.protobuf.ByteString;
import io.etcetera.invariants.Invariants;
import io.etcetera.raft.confchange.Changer;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeType;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.tracker.ProgressMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One Raft node, driven by its caller: the engine's public face, modelled on etcd raft's
 * {@code RawNode}. Not thread-safe: one thread (the server's raft loop) makes every call.
 *
 * <p>The caller's duties:
 * <ol>
 *   <li>Create it over a {@link Storage} holding what was persisted before (nothing for a new
 *       node, which then calls {@link #bootstrap} once, or gets its configuration from a
 *       snapshot in storage). On restart the configuration comes back from the storage's
 *       snapshot: pass that snapshot's index as {@link RaftConfig#applied}, and when the
 *       committed entries after it come out again, call {@link #applyConfChange} for each conf
 *       change among them while skipping what the state machine already holds (as etcd's server
 *       does with its consistent index).
 *   <li>Call {@link #tick} at a fixed interval; ticks are the engine's only clock.
 *   <li>Pass every message from a peer to {@link #step}, and the local requests to
 *       {@link #propose}, {@link #proposeConfChange}, {@link #readIndex},
 *       {@link #transferLeader}; a request that cannot be taken throws
 *       {@link ProposalDroppedException}.
 *   <li>Whenever {@link #hasReady} is true, take {@link #ready} and handle it in this order:
 *       <ol type="a">
 *         <li>as leader, its messages may be sent at once, in parallel with the next step
 *             (thesis §10.2.1);
 *         <li>persist the snapshot (if any), then the hard state and the entries, syncing when
 *             {@link Ready#mustSync}; then make them visible to the engine (for
 *             {@link MemoryStorage}: {@code applySnapshot}, {@code append},
 *             {@code setHardState});
 *         <li>as follower or candidate, send the messages only now (they acknowledge what was
 *             just persisted); after sending a {@code MsgSnap} report the outcome with
 *             {@link #reportSnapshot};
 *         <li>apply the snapshot and then the committed entries, in order (possibly on another
 *             thread); for each committed conf change call {@link #applyConfChange} (or decide
 *             to skip it, then do not call it);
 *         <li>call {@link #advance} with that Ready.
 *       </ol>
 *   <li>Between {@link #ready} and {@link #advance} call nothing but {@link #hasReady},
 *       {@link #status} and {@link #applyConfChange}.
 *   <li>Report peers it failed to reach with {@link #reportUnreachable}.
 *   <li>Keep the log bounded: every so often snapshot the state machine into storage and
 *       compact the log, keeping some entries for slow followers.
 * </ol>
 */
public final class RawNode {

    private final Raft raft;
    private SoftState prevSoftState;
    private HardState prevHardState;
    /** The Ready handed out and not yet advanced, or null. */
    private Ready accepted;
    /** Self-addressed responses (own votes, own append acks) to step on advance. */
    private final List<Message> stepsOnAdvance = new ArrayList<>();
    /** The last unstable entry when the Ready was taken (0 when none), and the term then. */
    private long stableIndex;
    private long stableTerm;
    private long stableAtRaftTerm;

    /**
     * Starts the node from {@code config}'s storage, as a follower.
     *
     * @throws IllegalStateException if the storage contradicts itself (e.g. a commit index beyond
     *     its last entry)
     */
    public RawNode(RaftConfig config) {
        this.raft = new Raft(config);
        this.prevSoftState = raft.softState();
        this.prevHardState = raft.hardState();
    }

    /**
     * Bootstraps a brand-new cluster member: appends, at term 1, one committed ConfChange entry
     * per initial voter (carrying its context), and applies them. The first Ready carries these
     * entries to persist and apply, as etcd does.
     *
     * @throws IllegalStateException if the storage is not empty
     */
    public void bootstrap(List<Peer> peers) {
        if (peers.isEmpty()) {
            throw new IllegalArgumentException("bootstrap needs at least one peer");
        }
        if (raft.config.storage().lastIndex() != 0 || raft.log.lastIndex() != 0) {
            throw new IllegalStateException("can't bootstrap a nonempty storage");
        }
        prevHardState = HardState.getDefaultInstance();
        raft.becomeFollower(1, Raft.NONE);
        List<Entry> entries = new ArrayList<>(peers.size());
        for (int i = 0; i < peers.size(); i++) {
            ConfChange addNode = ConfChange.newBuilder()
                    .setType(ConfChangeType.CONF_CHANGE_ADD_NODE)
                    .setNodeId(peers.get(i).id()).setContext(peers.get(i).context()).build();
            entries.add(Entry.newBuilder().setType(EntryType.ENTRY_CONF_CHANGE).setTerm(1)
                    .setIndex(i + 1).setData(addNode.toByteString()).build());
        }
        raft.log.append(entries);
        raft.log.commitTo(peers.size());
        for (Peer peer : peers) {
            raft.reconfiguration.applyConfChange(Changer.toV2(ConfChange.newBuilder()
                    .setType(ConfChangeType.CONF_CHANGE_ADD_NODE).setNodeId(peer.id()).build()));
        }
    }

    /** Advances the logical clock by one tick: elections and heartbeats are counted in ticks. */
    public void tick() {
        checkNotAwaitingAdvance("tick");
        raft.tick();
    }

    /** Starts an election now (a pre-election first if PreVote is on). */
    public void campaign() {
        checkNotAwaitingAdvance("campaign");
        raft.step(Message.newBuilder().setType(MessageType.MsgHup).build());
    }

    /**
     * Proposes {@code data} for appending to the log; a follower forwards it to the leader.
     * Acceptance promises nothing: the entry may still be lost with a leader change, so the
     * caller waits for it among the committed entries.
     *
     * @throws ProposalDroppedException if this node cannot take it now
     */
    public void propose(ByteString data) {
        checkNotAwaitingAdvance("propose");
        stepProposal(Entry.newBuilder().setData(data).build());
    }

    /** Proposes a single-node membership change. See {@link #propose} for what acceptance means. */
    public void proposeConfChange(ConfChange change) {
        checkNotAwaitingAdvance("proposeConfChange");
        stepProposal(Entry.newBuilder().setType(EntryType.ENTRY_CONF_CHANGE)
                .setData(change.toByteString()).build());
    }

    /**
     * Proposes a membership change of one or more nodes, possibly through joint consensus. The
     * leader replaces it by an empty entry if another change is pending or it does not fit the
     * current configuration (e.g. a new change while joint).
     */
    public void proposeConfChange(ConfChangeV2 change) {
        checkNotAwaitingAdvance("proposeConfChange");
        stepProposal(Entry.newBuilder().setType(EntryType.ENTRY_CONF_CHANGE_V2)
                .setData(change.toByteString()).build());
    }

    /**
     * Proposes several normal entries as one Raft proposal: one append and one broadcast carry
     * them all, and they are accepted or dropped together. See {@link #propose} for what
     * acceptance means.
     */
    public void proposeAll(List<ByteString> data) {
        checkNotAwaitingAdvance("proposeAll");
        Message.Builder proposal = Message.newBuilder().setType(MessageType.MsgProp)
                .setFrom(raft.id);
        for (ByteString entryData : data) {
            proposal.addEntries(Entry.newBuilder().setData(entryData));
        }
        raft.step(proposal.build());
    }

    private void stepProposal(Entry entry) {
        raft.step(Message.newBuilder().setType(MessageType.MsgProp).setFrom(raft.id)
                .addEntries(entry).build());
    }

    /**
     * Applies a committed membership change to this node's configuration and returns the new
     * configuration, which the caller stores with its state machine (snapshots carry it).
     *
     * @throws io.etcetera.raft.confchange.InvalidConfChangeException if it does not fit the
     *     current configuration; nothing changed
     */
    public ConfState applyConfChange(ConfChangeV2 change) {
        return raft.reconfiguration.applyConfChange(change);
    }

    /** As {@link #applyConfChange(ConfChangeV2)}, for a single-node change. */
    public ConfState applyConfChange(ConfChange change) {
        return applyConfChange(Changer.toV2(change));
    }

    /**
     * Handles a message from a peer. A proposal or read request forwarded by a follower that
     * this node cannot take is dropped silently; the follower's caller times out.
     *
     * @throws MessageRejectedException for kinds only the node itself may produce, and for
     *     responses from non-members
     */
    public void step(Message message) {
        checkNotAwaitingAdvance("step");
        MessageType type = message.getType();
        if (isLocalOnly(type)) {
            throw new MessageRejectedException(type, message.getFrom(), "local message kind");
        }
        if (isResponse(type) && raft.tracker.progress().get(message.getFrom()) == null) {
            throw new MessageRejectedException(type, message.getFrom(), "sender is not a member");
        }
        try {
            raft.step(message);
        } catch (ProposalDroppedException dropped) {
            // Forwarded on behalf of another node: its caller learns by timing out, as in etcd.
        }
    }

    private static boolean isLocalOnly(MessageType type) {
        return type == MessageType.MsgHup || type == MessageType.MsgBeat
                || type == MessageType.MsgUnreachable || type == MessageType.MsgSnapStatus
                || type == MessageType.MsgCheckQuorum || type == MessageType.UNRECOGNIZED;
    }

    private static boolean isResponse(MessageType type) {
        return type == MessageType.MsgAppResp || type == MessageType.MsgVoteResp
                || type == MessageType.MsgHeartbeatResp || type == MessageType.MsgReadIndexResp
                || type == MessageType.MsgPreVoteResp;
    }

    /**
     * Asks for a linearizable read point: a {@link ReadState} with {@code requestContext} appears
     * in a later Ready once the leader confirmed its leadership; a follower forwards the request.
     *
     * @throws ProposalDroppedException if no leader is known, or too many reads are pending
     */
    public void readIndex(ByteString requestContext) {
        checkNotAwaitingAdvance("readIndex");
        raft.step(Message.newBuilder().setType(MessageType.MsgReadIndex)
                .addEntries(Entry.newBuilder().setData(requestContext)).build());
    }

    /**
     * Asks the leader to hand leadership to {@code transferee} (thesis §3.10): once the
     * transferee's log is up to date it is told to campaign at once. Ignored when the transferee
     * is a learner, not a member, or no leader is known; abandoned after an election timeout.
     * Proposals are dropped while it is in progress.
     */
    public void transferLeader(long transferee) {
        checkNotAwaitingAdvance("transferLeader");
        raft.step(Message.newBuilder().setType(MessageType.MsgTransferLeader).setFrom(transferee)
                .build());
    }

    /** Tells the leader that the last message to {@code id} may not have arrived. */
    public void reportUnreachable(long id) {
        checkNotAwaitingAdvance("reportUnreachable");
        raft.step(Message.newBuilder().setType(MessageType.MsgUnreachable).setFrom(id).build());
    }

    /** Tells the leader whether the snapshot it sent to {@code id} arrived. */
    public void reportSnapshot(long id, SnapshotStatus status) {
        checkNotAwaitingAdvance("reportSnapshot");
        raft.step(Message.newBuilder().setType(MessageType.MsgSnapStatus).setFrom(id)
                .setReject(status == SnapshotStatus.FAILURE).build());
    }

    /** Whether {@link #ready} would return anything to do. Cheap; allocates nothing. */
    public boolean hasReady() {
        return softStateChanged() || hardStateChanged()
                || raft.log.nextUnstableSnapshot() != null
                || !raft.msgs.isEmpty() || !raft.msgsAfterAppend.isEmpty()
                || raft.log.hasNextUnstableEntries() || raft.log.hasNextCommittedEntries()
                || !raft.readStates.isEmpty();
    }

    private boolean softStateChanged() {
        return raft.lead != prevSoftState.leader() || raft.role != prevSoftState.role();
    }

    private boolean hardStateChanged() {
        return raft.term != prevHardState.getTerm() || raft.vote != prevHardState.getVote()
                || raft.log.committed() != prevHardState.getCommit();
    }

    /**
     * Takes the pending work. The caller must handle it as the class documentation describes
     * and then call {@link #advance}.
     *
     * @throws IllegalStateException if the previous Ready was not advanced
     */
    public Ready ready() {
        checkNotAwaitingAdvance("ready");
        boolean termOrVoteChanged = raft.term != prevHardState.getTerm()
                || raft.vote != prevHardState.getVote();
        Optional<SoftState> softState = Optional.empty();
        if (softStateChanged()) {
            prevSoftState = raft.softState();
            softState = Optional.of(prevSoftState);
        }
        Optional<HardState> hardState = Optional.empty();
        if (hardStateChanged()) {
            prevHardState = raft.hardState();
            hardState = Optional.of(prevHardState);
        }
        List<Entry> entries = raft.log.nextUnstableEntries();
        Snapshot snapshot = raft.log.nextUnstableSnapshot();
        List<Entry> committedEntries = raft.log.nextCommittedEntries();
        Ready ready = new Ready(softState, hardState, takeReadStates(), entries,
                Optional.ofNullable(snapshot), committedEntries, takeMessages(),
                !entries.isEmpty() || snapshot != null || termOrVoteChanged);
        accept(ready);
        return ready;
    }

    private List<ReadState> takeReadStates() {
        if (raft.readStates.isEmpty()) {
            return List.of();
        }
        List<ReadState> states = List.copyOf(raft.readStates);
        raft.readStates.clear();
        return states;
    }

    /** The messages to send; self-addressed responses are kept to be stepped on advance. */
    private List<Message> takeMessages() {
        List<Message> messages = new ArrayList<>(raft.msgs.size() + raft.msgsAfterAppend.size());
        messages.addAll(raft.msgs);
        for (Message message : raft.msgsAfterAppend) {
            if (message.getTo() == raft.id) {
                stepsOnAdvance.add(message);
            } else {
                messages.add(message);
            }
        }
        raft.msgs.clear();
        raft.msgsAfterAppend.clear();
        return Collections.unmodifiableList(messages);
    }

    private void accept(Ready ready) {
        accepted = ready;
        stableIndex = 0;
        if (raft.log.hasUnstableEntries()) {
            // Everything unstable now (handed out before or now) is stable once this Ready is
            // persisted, unless a new term overwrites it meanwhile.
            stableIndex = raft.log.lastIndex();
            stableTerm = raft.log.lastTerm();
            stableAtRaftTerm = raft.term;
        }
        raft.log.acceptUnstable();
        List<Entry> committed = ready.committedEntries();
        if (!committed.isEmpty()) {
            raft.log.acceptApplying(committed.get(committed.size() - 1).getIndex(),
                    EntryBytes.encoded(committed));
        }
    }

    /**
     * Acknowledges that {@code ready} was handled: its state is persisted, its messages sent, its
     * committed entries applied (or handed to the applier in order).
     *
     * @throws IllegalStateException if no Ready is outstanding
     */
    public void advance(Ready ready) {
        Invariants.check(accepted != null, "advance() without a preceding ready()");
        Invariants.check(ready == accepted, "advance() with another Ready than ready() returned");
        accepted = null;
        for (Message message : stepsOnAdvance) {
            raft.step(message);
        }
        stepsOnAdvance.clear();
        if (stableIndex != 0 && stableAtRaftTerm == raft.term) {
            raft.log.stableTo(stableIndex, stableTerm);
        }
        ready.snapshot().ifPresent(raft::appliedSnapshot);
        List<Entry> committed = ready.committedEntries();
        if (!committed.isEmpty()) {
            raft.appliedTo(committed.get(committed.size() - 1).getIndex(),
                    EntryBytes.encoded(committed));
            raft.reduceUncommittedBytes(EntryBytes.payload(committed));
        }
    }

    /** The node's current state; the progress map is filled on the leader only. */
    public Status status() {
        ProgressMap progress = raft.role == RaftRole.LEADER ? raft.tracker.progress().copy()
                : new ProgressMap();
        return new Status(raft.id, raft.hardState(), raft.softState(), raft.log.applied(),
                raft.leadTransferee, raft.tracker.config(), progress);
    }

    private void checkNotAwaitingAdvance(String call) {
        if (accepted != null) {
            throw new IllegalStateException(call + "() between ready() and advance()");
        }
    }
}
