package io.etcetera.raft;

import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.tracker.ProgressTracker;

/**
 * How a candidate or pre-candidate handles messages: it counts votes of its own kind, falls back
 * to follower when it hears from a leader of its term, and has no leader to take proposals.
 * Confined to the raft thread.
 */
final class CandidateRole {

    private final Raft raft;
    private final FollowerRole follower;

    CandidateRole(Raft raft, FollowerRole follower) {
        this.raft = raft;
        this.follower = follower;
    }

    void step(Message message) {
        // A candidate may still get pre-vote answers from its pre-candidacy: count only its kind.
        MessageType ownResponses = raft.role == RaftRole.PRE_CANDIDATE
                ? MessageType.MsgPreVoteResp : MessageType.MsgVoteResp;
        MessageType type = message.getType();
        if (type == MessageType.MsgProp) {
            throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER,
                    "no leader at term " + raft.term + "; dropping proposal");
        } else if (type == MessageType.MsgReadIndex) {
            if (message.getFrom() == Raft.NONE || message.getFrom() == raft.id) {
                throw new ProposalDroppedException(ProposalDroppedException.Reason.NO_LEADER,
                        "no leader at term " + raft.term + "; dropping read-index request");
            }
        } else if (type == MessageType.MsgApp || type == MessageType.MsgHeartbeat
                || type == MessageType.MsgSnap) {
            // Raft §5.2: a leader of our term exists (terms are equal here): follow it.
            raft.becomeFollower(message.getTerm(), message.getFrom());
            follower.step(message);
        } else if (type == ownResponses) {
            countVote(message);
        }
        // MsgTimeoutNow and other kinds are ignored while campaigning.
    }

    private void countVote(Message response) {
        raft.tracker.recordVote(response.getFrom(), !response.getReject());
        ProgressTracker.VoteTally tally = raft.tracker.tallyVotes();
        switch (tally.result()) {
            case WON -> {
                if (raft.role == RaftRole.PRE_CANDIDATE) {
                    raft.campaign(Raft.CampaignType.ELECTION);
                } else {
                    raft.becomeLeader();
                    raft.replication.broadcastAppend();
                }
            }
            case LOST ->
                // A rejected pre-vote may carry a higher term; we stay at ours (it was not ours).
                raft.becomeFollower(raft.term, Raft.NONE);
            case PENDING -> {
                // Wait for more answers or the next election timeout.
            }
        }
    }
}
