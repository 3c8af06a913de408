package io.etcetera.raft;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcetera.raft.confchange.Changer;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.ConfChangeV2;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.tracker.Progress;
import io.etcetera.raft.tracker.ProgressMap;
import io.etcetera.raft.tracker.ProgressState;
import java.util.ArrayList;
import java.util.List;

/**
 * How a leader handles messages: heartbeats and CheckQuorum, proposals (with the one-pending rule
 * for conf changes), ReadIndex, and the answers of its followers. Replication itself is
 * {@link Replication}'s. Confined to the raft thread.
 */
final class LeaderRole {

    private final Raft raft;

    LeaderRole(Raft raft) {
        this.raft = raft;
    }

    void step(Message message) {
        switch (message.getType()) {
            case MsgBeat -> raft.replication.broadcastHeartbeat();
            case MsgCheckQuorum -> checkQuorum();
            case MsgProp -> propose(message);
            case MsgReadIndex -> readIndex(message);
            default -> stepFromPeer(message);
        }
    }

    /** Messages about one peer: they need its progress, and are ignored from non-members. */
    private void stepFromPeer(Message message) {
        Progress pr = raft.tracker.progress().get(message.getFrom());
        if (pr == null) {
            return;
        }
        switch (message.getType()) {
            case MsgAppResp -> raft.replication.handleAppendResponse(message, pr);
            case MsgHeartbeatResp -> handleHeartbeatResponse(message, pr);
            case MsgSnapStatus -> handleSnapshotStatus(message, pr);
            case MsgUnreachable -> {
                // In REPLICATE an unreachable follower has likely lost appends: probe again.
                if (pr.state() == ProgressState.REPLICATE) {
                    pr.becomeProbe();
                }
            }
            case MsgTransferLeader -> transferLeader(message.getFrom(), pr);
            default -> {
                // Other kinds (answered votes, responses meant for other roles) need nothing.
            }
        }
    }

    /**
     * CheckQuorum: a leader that did not hear from a quorum within an election timeout steps
     * down, so that a partitioned leader stops serving (and lease-based reads stay safe).
     */
    private void checkQuorum() {
        if (!raft.tracker.quorumActive()) {
            raft.becomeFollower(raft.term, Raft.NONE);
        }
        ProgressMap progress = raft.tracker.progress();
        for (int i = 0; i < progress.size(); i++) {
            if (progress.idAt(i) != raft.id) {
                progress.progressAt(i).setRecentActive(false);
            }
        }
    }

    private void propose(Message message) {
        if (raft.tracker.progress().get(raft.id) == null) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.NOT_A_MEMBER,
                    Long.toHexString(raft.id) + " was removed from the configuration");
        }
        if (raft.leadTransferee != Raft.NONE) {
            throw new ProposalDroppedException(
                    ProposalDroppedException.Reason.LEADER_TRANSFER_IN_PROGRESS,
                    "transfer of leadership to " + Long.toHexString(raft.leadTransferee)
                            + " is in progress");
        }
        List<Entry> entries = vetConfChanges(message.getEntriesList());
        if (!raft.appendEntries(entries)) {
            throw new ProposalDroppedException(
                    ProposalDroppedException.Reason.UNCOMMITTED_BYTES_MAX,
                    "uncommitted log tail of " + raft.uncommittedBytes
                            + " bytes is at its limit " + raft.config.uncommittedBytesMax());
        }
        raft.replication.broadcastAppend();
    }

    /**
     * Replaces conf changes that may not be proposed now by empty normal entries (so indexes of
     * the rest stay as proposed): one pending at a time, no new change while joint, and no
     * request to leave a joint state that does not exist.
     */
    private List<Entry> vetConfChanges(List<Entry> proposed) {
        List<Entry> vetted = null;
        long lastIndex = raft.log.lastIndex();
        for (int i = 0; i < proposed.size(); i++) {
            Entry entry = proposed.get(i);
            if (entry.getType() == EntryType.ENTRY_NORMAL) {
                continue;
            }
            if (confChangeAllowed(entry)) {
                raft.pendingConfIndex = lastIndex + i + 1;
                continue;
            }
            if (vetted == null) {
                vetted = new ArrayList<>(proposed);
            }
            vetted.set(i, Entry.getDefaultInstance());
        }
        return vetted == null ? proposed : vetted;
    }

    private boolean confChangeAllowed(Entry entry) {
        ConfChangeV2 change;
        try {
            change = entry.getType() == EntryType.ENTRY_CONF_CHANGE
                    ? Changer.toV2(ConfChange.parseFrom(entry.getData()))
                    : ConfChangeV2.parseFrom(entry.getData());
        } catch (InvalidProtocolBufferException malformed) {
            return false;
        }
        boolean alreadyPending = raft.pendingConfIndex > raft.log.applied();
        boolean alreadyJoint = raft.tracker.config().voters().isJoint();
        boolean wantsLeaveJoint = change.getChangesCount() == 0;
        return !alreadyPending && alreadyJoint == wantsLeaveJoint;
    }

    /** Raft thesis §6.4: answer with the commit index once leadership is confirmed. */
    private void readIndex(Message message) {
        if (raft.tracker.isSingleton()) {
            // The only voter: nobody else can have become leader.
            respondToReadIndex(message, raft.log.committed());
            return;
        }
        if (raft.readOnly.full()
                || raft.pendingReadIndexMessages.size() >= ReadOnly.PENDING_MAX) {
            if (isLocal(message)) {
                throw new ProposalDroppedException(
                        ProposalDroppedException.Reason.READ_INDEX_PENDING_MAX,
                        ReadOnly.PENDING_MAX + " read-index requests are pending");
            }
            return;
        }
        if (!raft.committedEntryInCurrentTerm()) {
            // A new leader's commit index may lag behind the last leader's until it commits an
            // entry of its own term: hold the request until then.
            raft.pendingReadIndexMessages.add(message);
            return;
        }
        confirmReadIndex(message);
    }

    private boolean isLocal(Message message) {
        return message.getFrom() == Raft.NONE || message.getFrom() == raft.id;
    }

    private void confirmReadIndex(Message message) {
        switch (raft.readOnly.option()) {
            case SAFE -> {
                raft.readOnly.addRequest(raft.log.committed(), message);
                // Our own acknowledgement counts towards the quorum.
                raft.readOnly.recvAck(raft.id, raft.readOnly.heartbeatContext());
                raft.replication.broadcastHeartbeat();
            }
            case LEASE_BASED -> respondToReadIndex(message, raft.log.committed());
        }
    }

    /** Called when the commit index moved: requests held for the first commit may proceed. */
    void releasePendingReadIndexMessages() {
        if (raft.pendingReadIndexMessages.isEmpty() || !raft.committedEntryInCurrentTerm()) {
            return;
        }
        List<Message> pending = new ArrayList<>(raft.pendingReadIndexMessages);
        raft.pendingReadIndexMessages.clear();
        for (Message message : pending) {
            confirmReadIndex(message);
        }
    }

    /** A local request becomes a read state; a follower's gets a MsgReadIndexResp. */
    private void respondToReadIndex(Message request, long readIndex) {
        if (isLocal(request)) {
            raft.readStates.add(new ReadState(readIndex, request.getEntries(0).getData()));
            return;
        }
        raft.send(Message.newBuilder().setTo(request.getFrom())
                .setType(MessageType.MsgReadIndexResp).setIndex(readIndex)
                .addAllEntries(request.getEntriesList()));
    }

    private void handleHeartbeatResponse(Message response, Progress pr) {
        pr.setRecentActive(true);
        pr.setMsgAppFlowPaused(false);
        // Also sends when paused in REPLICATE with a full window (all in flight may be lost), and
        // when caught up but probing (after ReportUnreachable), to get back to replicating.
        if (pr.match() < raft.log.lastIndex() || pr.state() == ProgressState.PROBE) {
            raft.replication.sendAppend(response.getFrom());
        }
        if (raft.readOnly.option() != ReadOnlyOption.SAFE || response.getContext().isEmpty()) {
            return;
        }
        raft.readOnly.recvAck(response.getFrom(), response.getContext());
        for (ReadOnly.ReadIndexRequest confirmed :
                raft.readOnly.maybeAdvance(raft.tracker.config().voters())) {
            respondToReadIndex(confirmed.request(), confirmed.index());
        }
    }

    private void handleSnapshotStatus(Message status, Progress pr) {
        if (pr.state() != ProgressState.SNAPSHOT) {
            return;
        }
        if (status.getReject()) {
            // Forget the snapshot first, or probing would resume above a snapshot never installed.
            pr.abortPendingSnapshot();
        }
        pr.becomeProbe();
        // Success: wait for the follower's append response before sending more. Failure: wait a
        // heartbeat interval before trying again.
        pr.setMsgAppFlowPaused(true);
    }

    private void transferLeader(long transferee, Progress pr) {
        if (pr.isLearner()) {
            // A learner cannot win an election.
            return;
        }
        if (raft.leadTransferee != Raft.NONE) {
            if (raft.leadTransferee == transferee) {
                return;
            }
            raft.abortLeaderTransfer();
        }
        if (transferee == raft.id) {
            return;
        }
        // The transfer must finish within an election timeout (tickHeartbeat aborts it).
        raft.electionElapsedTicks = 0;
        raft.leadTransferee = transferee;
        if (pr.match() == raft.log.lastIndex()) {
            sendTimeoutNow(transferee);
        } else {
            raft.replication.sendAppend(transferee);
        }
    }

    void sendTimeoutNow(long to) {
        raft.send(Message.newBuilder().setTo(to).setType(MessageType.MsgTimeoutNow));
    }
}
