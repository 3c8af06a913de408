package io.etcetera.raft;

import com.google.protobuf.ByteString;
import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.quorum.MajorityConfig;
import io.etcetera.raft.tracker.Progress;
import io.etcetera.raft.tracker.ProgressMap;
import io.etcetera.raft.tracker.ProgressTracker;
import java.util.ArrayList;
import java.util.List;

/**
 * The Raft algorithm for one node: terms, roles, elections, and the dispatch of every message to
 * the handler of the node's role ({@link LeaderRole}, {@link CandidateRole}, {@link FollowerRole}).
 * Replication lives in {@link Replication}, membership in {@link Reconfiguration}.
 *
 * <p>Messages are produced into two outboxes: {@code msgs} may leave at once;
 * {@code msgsAfterAppend} (append and vote responses, which promise durability) may leave only
 * once the state they acknowledge is persisted, so {@link RawNode} hands them out in the same
 * Ready as that state and steps the self-addressed ones on {@code advance()}.
 *
 * <p>Invariants: a node votes at most once per term ({@code vote} is reset only when the term
 * grows); the term never decreases; a leader's {@code lead} is its own ID. Confined to the raft
 * thread; package-private, wrapped by {@link RawNode}.
 */
final class Raft {

    /** The node ID that means "no node": no leader known, no vote cast. */
    static final long NONE = 0;
    /** Context of the votes of a leader transfer: they bypass the leader lease (thesis §3.10). */
    static final ByteString CAMPAIGN_TRANSFER = ByteString.copyFromUtf8("CampaignTransfer");

    /** Why a node campaigns. */
    enum CampaignType { PRE_ELECTION, ELECTION, TRANSFER }

    final long id;
    final RaftConfig config;
    final RaftLog log;
    long term;
    long vote;
    RaftRole role = RaftRole.FOLLOWER;
    /** The leader of the current term as far as this node knows, or NONE. */
    long lead;
    ProgressTracker tracker;
    /** Whether this node is a learner in its current configuration. */
    boolean learner;
    /** Target of a leader transfer in progress (thesis §3.10), or NONE. */
    long leadTransferee;
    /**
     * At least the index of the latest conf change in the log. A new one may be proposed only once
     * this is applied: at most one pending change (thesis §4.1).
     */
    long pendingConfIndex;
    /** Payload bytes of the leader's uncommitted tail (an estimate that never overestimates). */
    long uncommittedBytes;
    ReadOnly readOnly;
    /** ReadIndex requests waiting until this leader has committed an entry of its own term. */
    final List<Message> pendingReadIndexMessages = new ArrayList<>();
    final List<ReadState> readStates = new ArrayList<>();
    /** Ticks since the last election timeout, or (followers) since the leader was last heard. */
    int electionElapsedTicks;
    /** Leader only: ticks since the last heartbeat round. */
    int heartbeatElapsedTicks;
    /** Drawn from [electionTicks, 2 * electionTicks) at each reset, so elections rarely clash. */
    int randomizedElectionTicks;
    /** Messages that may be sent at once. */
    final List<Message> msgs = new ArrayList<>();
    /** Messages that may be sent only after the current unstable state is persisted. */
    final List<Message> msgsAfterAppend = new ArrayList<>();

    final Replication replication;
    final Reconfiguration reconfiguration;
    final LeaderRole leaderRole;
    private final CandidateRole candidateRole;
    private final FollowerRole followerRole;

    Raft(RaftConfig config) {
        this.id = config.id();
        this.config = config;
        this.log = new RaftLog(config.storage(), config.committedEntriesBytesMax());
        this.tracker = new ProgressTracker(config.inflightCountMax(), config.inflightBytesMax());
        this.readOnly = new ReadOnly(config.readOnlyOption());
        this.replication = new Replication(this);
        this.reconfiguration = new Reconfiguration(this);
        this.leaderRole = new LeaderRole(this);
        this.followerRole = new FollowerRole(this);
        this.candidateRole = new CandidateRole(this, followerRole);
        Storage.InitialState initial = config.storage().initialState();
        reconfiguration.restoreConfig(initial.confState());
        HardState hardState = initial.hardState();
        if (!hardState.equals(HardState.getDefaultInstance())) {
            loadState(hardState);
        }
        if (config.applied() > 0) {
            log.appliedTo(config.applied(), 0);
        }
        becomeFollower(term, NONE);
    }

    private void loadState(HardState state) {
        Invariants.check(state.getCommit() >= log.committed(),
                "hard state commit %d below the snapshot's index %d", state.getCommit(),
                log.committed());
        Invariants.check(state.getCommit() <= log.lastIndex(),
                "hard state commit %d beyond the last index %d", state.getCommit(),
                log.lastIndex());
        log.commitTo(state.getCommit());
        term = state.getTerm();
        vote = state.getVote();
    }

    SoftState softState() {
        return new SoftState(lead, role);
    }

    HardState hardState() {
        return HardState.newBuilder().setTerm(term).setVote(vote).setCommit(log.committed())
                .build();
    }

    /**
     * Queues {@code message} from this node. Vote messages carry their term already; others get
     * the current term, except proposals and read-index requests, which are forwarded as local
     * requests without a term.
     */
    void send(Message.Builder message) {
        if (message.getFrom() == NONE) {
            message.setFrom(id);
        }
        MessageType type = message.getType();
        if (isVoteOrVoteResponse(type)) {
            Invariants.check(message.getTerm() != 0, "term must be set on a vote message (type %d)",
                    type.getNumber());
        } else {
            Invariants.check(message.getTerm() == 0, "term %d set on a message of type %d",
                    message.getTerm(), type.getNumber());
            if (type != MessageType.MsgProp && type != MessageType.MsgReadIndex) {
                message.setTerm(term);
            }
        }
        Message built = message.build();
        if (type == MessageType.MsgAppResp || type == MessageType.MsgVoteResp
                || type == MessageType.MsgPreVoteResp) {
            // Raft §5: respond only after persisting the term, vote and entries acknowledged.
            msgsAfterAppend.add(built);
        } else {
            Invariants.check(built.getTo() != id, "message of type %d addressed to self (%d)",
                    type.getNumber(), id);
            msgs.add(built);
        }
    }

    private static boolean isVoteOrVoteResponse(MessageType type) {
        return type == MessageType.MsgVote || type == MessageType.MsgVoteResp
                || type == MessageType.MsgPreVote || type == MessageType.MsgPreVoteResp;
    }

    /** Advances the logical clock by one tick. */
    void tick() {
        if (role == RaftRole.LEADER) {
            tickHeartbeat();
        } else {
            tickElection();
        }
    }

    private void tickElection() {
        electionElapsedTicks++;
        if (promotable() && electionElapsedTicks >= randomizedElectionTicks) {
            electionElapsedTicks = 0;
            step(Message.newBuilder().setFrom(id).setType(MessageType.MsgHup).build());
        }
    }

    private void tickHeartbeat() {
        Invariants.check(lead == id, "leader %d believes %d leads", id, lead);
        heartbeatElapsedTicks++;
        electionElapsedTicks++;
        if (electionElapsedTicks >= config.electionTicks()) {
            electionElapsedTicks = 0;
            if (config.checkQuorum()) {
                step(Message.newBuilder().setFrom(id).setType(MessageType.MsgCheckQuorum).build());
            }
            // A transfer that did not finish within an election timeout is abandoned (§3.10).
            if (role == RaftRole.LEADER && leadTransferee != NONE) {
                abortLeaderTransfer();
            }
        }
        if (role != RaftRole.LEADER) {
            return;
        }
        if (heartbeatElapsedTicks >= config.heartbeatTicks()) {
            heartbeatElapsedTicks = 0;
            step(Message.newBuilder().setFrom(id).setType(MessageType.MsgBeat).build());
        }
    }

    void becomeFollower(long newTerm, long leader) {
        reset(newTerm);
        lead = leader;
        role = RaftRole.FOLLOWER;
    }

    private void becomeCandidate() {
        Invariants.check(role != RaftRole.LEADER, "invalid transition [leader -> candidate] at "
                + "term %d", term);
        reset(term + 1);
        vote = id;
        role = RaftRole.CANDIDATE;
    }

    private void becomePreCandidate() {
        Invariants.check(role != RaftRole.LEADER, "invalid transition [leader -> pre-candidate] "
                + "at term %d", term);
        // Neither the term nor the vote changes: a pre-election must not disrupt anyone.
        tracker.resetVotes();
        lead = NONE;
        role = RaftRole.PRE_CANDIDATE;
    }

    void becomeLeader() {
        Invariants.check(role != RaftRole.FOLLOWER, "invalid transition [follower -> leader] at "
                + "term %d", term);
        reset(term);
        lead = id;
        role = RaftRole.LEADER;
        Progress self = tracker.progress().get(id);
        self.becomeReplicate();
        self.setRecentActive(true);
        // Any conf change in the uncommitted tail may still be pending; wait until all of it is
        // applied rather than scanning for one.
        pendingConfIndex = log.lastIndex();
        // Raft §8 / thesis §6.4: commit an entry of the new term at once, which also commits the
        // tail of earlier terms and lets ReadIndex proceed.
        boolean appended = appendEntries(List.of(Entry.getDefaultInstance()));
        Invariants.check(appended, "empty entry of new leader dropped at term %d", term);
    }

    private void reset(long newTerm) {
        if (term != newTerm) {
            Invariants.check(newTerm > term, "term goes back from %d to %d", term, newTerm);
            term = newTerm;
            vote = NONE;
        }
        lead = NONE;
        electionElapsedTicks = 0;
        heartbeatElapsedTicks = 0;
        randomizedElectionTicks = config.electionTicks()
                + config.random().nextInt(config.electionTicks());
        abortLeaderTransfer();
        tracker.resetVotes();
        long lastIndex = log.lastIndex();
        ProgressMap progress = tracker.progress();
        for (int i = 0; i < progress.size(); i++) {
            long peer = progress.idAt(i);
            boolean peerIsLearner = progress.progressAt(i).isLearner();
            progress.put(peer, new Progress(peer == id ? lastIndex : 0, lastIndex + 1,
                    tracker.newInflights(), peerIsLearner, false));
        }
        pendingConfIndex = 0;
        uncommittedBytes = 0;
        readOnly = new ReadOnly(config.readOnlyOption());
        pendingReadIndexMessages.clear();
    }

    /** Whether this node may become leader: a voter, with no snapshot pending installation. */
    boolean promotable() {
        Progress self = tracker.progress().get(id);
        return self != null && !self.isLearner() && !log.hasPendingSnapshot();
    }

    void hup(CampaignType type) {
        if (role == RaftRole.LEADER || !promotable()) {
            return;
        }
        // A committed conf change not yet applied may change who votes; wait for it.
        if (log.hasUnappliedConfChange()) {
            return;
        }
        campaign(type);
    }

    /** Starts a (pre-)election: asks every voter, itself included, for its vote. */
    void campaign(CampaignType type) {
        long voteTerm;
        MessageType voteType;
        if (type == CampaignType.PRE_ELECTION) {
            becomePreCandidate();
            voteType = MessageType.MsgPreVote;
            // Pre-votes ask for the term we would campaign in, without moving to it yet.
            voteTerm = term + 1;
        } else {
            becomeCandidate();
            voteType = MessageType.MsgVote;
            voteTerm = term;
        }
        MessageType responseType = voteType == MessageType.MsgVote ? MessageType.MsgVoteResp
                : MessageType.MsgPreVoteResp;
        MajorityConfig voters = tracker.config().voters().ids();
        long lastIndex = log.lastIndex();
        long lastTerm = log.lastTerm();
        for (int i = 0; i < voters.size(); i++) {
            long voter = voters.idAt(i);
            if (voter == id) {
                // Our own vote counts once it is persisted: it comes back through advance().
                send(Message.newBuilder().setTo(id).setTerm(voteTerm).setType(responseType));
                continue;
            }
            Message.Builder request = Message.newBuilder().setTo(voter).setTerm(voteTerm)
                    .setType(voteType).setIndex(lastIndex).setLogTerm(lastTerm);
            if (type == CampaignType.TRANSFER) {
                request.setContext(CAMPAIGN_TRANSFER);
            }
            send(request);
        }
    }

    /**
     * Handles one message: first the term rules of Raft §5.1 (a higher term makes us a follower,
     * a lower one is answered or ignored), then votes, then the role's own handler.
     *
     * @throws ProposalDroppedException when a proposal or read-index request cannot be taken
     */
    void step(Message message) {
        if (message.getTerm() > term) {
            if (!stepHigherTerm(message)) {
                return;
            }
        } else if (message.getTerm() != 0 && message.getTerm() < term) {
            stepLowerTerm(message);
            return;
        }
        switch (message.getType()) {
            case MsgHup -> hup(config.preVote() ? CampaignType.PRE_ELECTION
                    : CampaignType.ELECTION);
            case MsgVote, MsgPreVote -> handleVoteRequest(message);
            default -> {
                switch (role) {
                    case LEADER -> leaderRole.step(message);
                    case CANDIDATE, PRE_CANDIDATE -> candidateRole.step(message);
                    case FOLLOWER -> followerRole.step(message);
                }
            }
        }
    }

    /** Returns whether to go on handling {@code message}, whose term is above ours. */
    private boolean stepHigherTerm(Message message) {
        MessageType type = message.getType();
        if (type == MessageType.MsgVote || type == MessageType.MsgPreVote) {
            boolean transfer = message.getContext().equals(CAMPAIGN_TRANSFER);
            boolean inLease = config.checkQuorum() && lead != NONE
                    && electionElapsedTicks < config.electionTicks();
            if (!transfer && inLease) {
                // Thesis §4.2.3: while we hear from a current leader, a vote request (likely from a
                // node that was partitioned away) is ignored: no term change, no vote.
                return false;
            }
        }
        if (type == MessageType.MsgPreVote) {
            // A pre-vote never changes our term.
            return true;
        }
        if (type == MessageType.MsgPreVoteResp && !message.getReject()) {
            // Granted pre-votes carry the term we asked for; we move to it only on winning.
            return true;
        }
        boolean fromLeader = type == MessageType.MsgApp || type == MessageType.MsgHeartbeat
                || type == MessageType.MsgSnap;
        becomeFollower(message.getTerm(), fromLeader ? message.getFrom() : NONE);
        return true;
    }

    private void stepLowerTerm(Message message) {
        MessageType type = message.getType();
        if ((config.checkQuorum() || config.preVote())
                && (type == MessageType.MsgHeartbeat || type == MessageType.MsgApp)) {
            // A stale leader, or we raised our term while partitioned: with CheckQuorum or PreVote
            // our vote requests may be ignored, so tell the sender our term; if it is the real
            // leader it steps down and a fresh election frees us.
            send(Message.newBuilder().setTo(message.getFrom()).setType(MessageType.MsgAppResp));
        } else if (type == MessageType.MsgPreVote) {
            // Reject explicitly, so a pre-candidate with a stale term learns the current one.
            send(Message.newBuilder().setTo(message.getFrom()).setTerm(term)
                    .setType(MessageType.MsgPreVoteResp).setReject(true));
        }
        // Anything else from an older term is stale: ignore it (Raft §5.1).
    }

    /** Raft §5.2 and §5.4.1: one vote per term, only for a candidate at least as up to date. */
    private void handleVoteRequest(Message message) {
        boolean preVote = message.getType() == MessageType.MsgPreVote;
        MessageType responseType = preVote ? MessageType.MsgPreVoteResp : MessageType.MsgVoteResp;
        boolean canVote = vote == message.getFrom()
                || (vote == NONE && lead == NONE)
                || (preVote && message.getTerm() > term);
        if (canVote && log.isUpToDate(message.getIndex(), message.getLogTerm())) {
            // Answer with the request's term: a pre-candidate ignores answers of other terms.
            send(Message.newBuilder().setTo(message.getFrom()).setTerm(message.getTerm())
                    .setType(responseType));
            if (!preVote) {
                Invariants.check(vote == NONE || vote == message.getFrom(),
                        "second vote in a term: for %d after %d", message.getFrom(), vote);
                electionElapsedTicks = 0;
                vote = message.getFrom();
            }
        } else {
            send(Message.newBuilder().setTo(message.getFrom()).setTerm(term)
                    .setType(responseType).setReject(true));
        }
    }

    /**
     * Appends proposed entries to the leader's log, stamping term and index, unless they would
     * push the uncommitted tail over its byte limit. The leader acknowledges them to itself once
     * persisted (through advance()).
     *
     * @return whether the entries were appended
     */
    boolean appendEntries(List<Entry> proposed) {
        long lastIndex = log.lastIndex();
        List<Entry> stamped = new ArrayList<>(proposed.size());
        for (int i = 0; i < proposed.size(); i++) {
            stamped.add(proposed.get(i).toBuilder().setTerm(term).setIndex(lastIndex + 1 + i)
                    .build());
        }
        long payloadBytes = EntryBytes.payload(stamped);
        // An empty tail takes any proposal, and empty entries are always taken: they are how a
        // new leader commits and how a joint configuration is left.
        if (uncommittedBytes > 0 && payloadBytes > 0
                && uncommittedBytes + payloadBytes > config.uncommittedBytesMax()) {
            return false;
        }
        uncommittedBytes += payloadBytes;
        lastIndex = log.append(stamped);
        send(Message.newBuilder().setTo(id).setType(MessageType.MsgAppResp).setIndex(lastIndex));
        return true;
    }

    /**
     * The caller applied everything up to {@code index} (worth {@code bytes} of apply budget). A
     * leader whose configuration is joint with auto-leave, and applied it, now proposes to leave.
     */
    void appliedTo(long index, long bytes) {
        long newApplied = Math.max(index, log.applied());
        log.appliedTo(newApplied, bytes);
        if (tracker.config().autoLeave() && newApplied >= pendingConfIndex
                && role == RaftRole.LEADER) {
            // An empty ConfChangeV2 means "leave the joint configuration"; its empty payload is
            // never refused by the uncommitted limit.
            Entry leaveJoint = Entry.newBuilder().setType(EntryType.ENTRY_CONF_CHANGE_V2).build();
            try {
                step(Message.newBuilder().setFrom(id).setType(MessageType.MsgProp)
                        .addEntries(leaveJoint).build());
            } catch (ProposalDroppedException transferInProgress) {
                // Retried after the next apply: either the transfer fails and we try again, or
                // the new leader leaves the joint configuration.
            }
        }
    }

    /** The caller installed {@code snapshot}: it is stable and applied. */
    void appliedSnapshot(Snapshot snapshot) {
        long index = snapshot.getMetadata().getIndex();
        log.stableSnapTo(index);
        appliedTo(index, 0);
    }

    /** Committed entries worth {@code payloadBytes} left the uncommitted tail. */
    void reduceUncommittedBytes(long payloadBytes) {
        uncommittedBytes = Math.max(0, uncommittedBytes - payloadBytes);
    }

    void abortLeaderTransfer() {
        leadTransferee = NONE;
    }

    /** Whether this node has committed an entry of its current term (thesis §6.4). */
    boolean committedEntryInCurrentTerm() {
        return log.termOrZero(log.committed()) == term;
    }
}
