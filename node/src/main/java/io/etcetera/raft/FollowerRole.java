package io.etcetera.raft;

import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;

/**
 * How a follower handles messages: appends, heartbeats and snapshots from its leader, forwarding
 * of proposals, read-index and transfer requests to the leader, and MsgTimeoutNow. Confined to the
 * raft thread.
 */
final class FollowerRole {

    private final Raft raft;

    FollowerRole(Raft raft) {
        this.raft = raft;
    }

    void step(Message message) {
        switch (message.getType()) {
            case MsgProp -> forwardProposal(message);
            case MsgApp -> {
                heardFromLeader(message);
                handleAppendEntries(message);
            }
            case MsgHeartbeat -> {
                heardFromLeader(message);
                raft.log.commitTo(message.getCommit());
                raft.send(Message.newBuilder().setTo(message.getFrom())
                        .setType(MessageType.MsgHeartbeatResp).setContext(message.getContext()));
            }
            case MsgSnap -> {
                heardFromLeader(message);
                handleSnapshot(message);
            }
            case MsgTransferLeader -> {
                if (raft.lead != Raft.NONE) {
                    raft.send(message.toBuilder().setTo(raft.lead));
                }
            }
            // Leadership transfers skip the pre-vote: the leader itself asked us to campaign.
            case MsgTimeoutNow -> raft.hup(Raft.CampaignType.TRANSFER);
            case MsgReadIndex -> forwardReadIndex(message);
            case MsgReadIndexResp -> {
                if (message.getEntriesCount() == 1) {
                    raft.readStates.add(new ReadState(message.getIndex(),
                            message.getEntries(0).getData()));
                }
            }
            default -> {
                // Leader-only and candidate-only kinds are stale here: ignore them.
            }
        }
    }

    private void heardFromLeader(Message message) {
        raft.electionElapsedTicks = 0;
        raft.lead = message.getFrom();
    }

    private void forwardProposal(Message message) {
        if (raft.lead == Raft.NONE) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER,
                    "no leader at term " + raft.term + "; dropping proposal");
        }
        if (raft.config.disableProposalForwarding()) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.FORWARDING_DISABLED,
                    "not forwarding to leader " + Long.toHexString(raft.lead) + " at term "
                            + raft.term + "; dropping proposal");
        }
        raft.send(message.toBuilder().setTo(raft.lead));
    }

    private void forwardReadIndex(Message message) {
        if (raft.lead != Raft.NONE) {
            raft.send(message.toBuilder().setTo(raft.lead));
        } else if (message.getFrom() == Raft.NONE || message.getFrom() == raft.id) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER,
                    "no leader at term " + raft.term + "; dropping read-index request");
        }
    }

    /**
     * Raft §5.3 AppendEntries on the receiver: accept if the log holds the previous entry
     * (log matching), else reject with a hint where the logs may match.
     */
    private void handleAppendEntries(Message append) {
        long committed = raft.log.committed();
        if (append.getIndex() < committed) {
            // Everything up to our commit index matches the leader's log already.
            raft.send(Message.newBuilder().setTo(append.getFrom()).setType(MessageType.MsgAppResp)
                    .setIndex(committed));
            return;
        }
        long lastNewIndex = raft.log.maybeAppend(append.getIndex(), append.getLogTerm(),
                append.getCommit(), append.getEntriesList());
        if (lastNewIndex >= 0) {
            raft.send(Message.newBuilder().setTo(append.getFrom()).setType(MessageType.MsgAppResp)
                    .setIndex(lastNewIndex));
            return;
        }
        // Hint the largest (index, term) that could match: an index at or below the append's
        // previous index whose term is at most the append's previous term. Above it, our terms
        // are too high to match anything of the leader's before that point.
        long hintIndex = raft.log.findConflictByTerm(
                Math.min(append.getIndex(), raft.log.lastIndex()), append.getLogTerm());
        raft.send(Message.newBuilder().setTo(append.getFrom()).setType(MessageType.MsgAppResp)
                .setIndex(append.getIndex()).setReject(true).setRejectHint(hintIndex)
                .setLogTerm(raft.log.termOrZero(hintIndex)));
    }

    private void handleSnapshot(Message message) {
        boolean restored = raft.reconfiguration.restoreSnapshot(message.getSnapshot());
        long index = restored ? raft.log.lastIndex() : raft.log.committed();
        raft.send(Message.newBuilder().setTo(message.getFrom()).setType(MessageType.MsgAppResp)
                .setIndex(index));
    }
}
