package io.etcetera.raft;

import com.google.protobuf.ByteString;
import io.etcetera.invariants.Invariants;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.tracker.Progress;
import io.etcetera.raft.tracker.ProgressMap;
import io.etcetera.raft.tracker.ProgressState;
import java.util.List;

/**
 * The leader's log replication (Raft §5.3): appends, heartbeats and snapshots out, append
 * responses in, and the commit rule.
 *
 * <p>Flow control follows each follower's {@link Progress}: one probe at a time while the leader
 * looks for the end of the follower's log, a stream bounded by the in-flight window once it knows,
 * and a snapshot when the entries the follower needs are compacted. Appends carry at most
 * {@code msgBytesMax} of entries. Confined to the raft thread.
 */
final class Replication {

    private final Raft raft;

    Replication(Raft raft) {
        this.raft = raft;
    }

    /** Sends an append to {@code to}, even without entries (it carries the commit index). */
    void sendAppend(long to) {
        maybeSendAppend(to, true);
    }

    /**
     * Sends the next append to {@code to} if its flow control allows; without new entries only
     * when {@code sendIfEmpty}. Falls back to a snapshot if the entries are compacted. Returns
     * whether a message was queued.
     */
    boolean maybeSendAppend(long to, boolean sendIfEmpty) {
        Progress pr = raft.tracker.progress().get(to);
        if (pr.isPaused()) {
            return false;
        }
        long prevIndex = pr.next() - 1;
        long prevTerm = raft.log.term(prevIndex);
        if (prevTerm == RaftLog.NO_TERM) {
            // The log was compacted past what the follower has: only a snapshot can help.
            return maybeSendSnapshot(to, pr);
        }
        List<Entry> entries = List.of();
        // A full window in REPLICATE sends no entries, only an empty append: if all in-flight
        // messages were lost, its answer is what unblocks the window.
        if (pr.state() != ProgressState.REPLICATE || !pr.inflights().full()) {
            try {
                entries = raft.log.entriesFrom(pr.next(), raft.config.msgBytesMax());
            } catch (LogCompactedException compacted) {
                return maybeSendSnapshot(to, pr);
            }
        }
        if (entries.isEmpty() && !sendIfEmpty) {
            return false;
        }
        long committed = raft.log.committed();
        raft.send(Message.newBuilder().setTo(to).setType(MessageType.MsgApp).setIndex(prevIndex)
                .setLogTerm(prevTerm).addAllEntries(entries).setCommit(committed));
        pr.sentEntries(entries.size(), EntryBytes.payload(entries));
        pr.sentCommit(committed);
        return true;
    }

    /** Sends the latest snapshot to {@code to}; false if it is inactive or none is ready. */
    private boolean maybeSendSnapshot(long to, Progress pr) {
        if (!pr.recentActive()) {
            // A snapshot is expensive: send it only to a follower known to be alive.
            return false;
        }
        Snapshot snapshot;
        try {
            snapshot = raft.log.snapshot();
        } catch (SnapshotTemporarilyUnavailableException notYet) {
            return false;
        }
        long index = snapshot.getMetadata().getIndex();
        Invariants.check(index != 0, "need a non-empty snapshot to replace compacted log of %d",
                to);
        pr.becomeSnapshot(index);
        raft.send(Message.newBuilder().setTo(to).setType(MessageType.MsgSnap)
                .setSnapshot(snapshot));
        return true;
    }

    /**
     * Sends a heartbeat to {@code to}. Its commit index is capped at what the follower is known to
     * hold, so the follower never commits an index it may not have.
     */
    void sendHeartbeat(long to, ByteString context) {
        Progress pr = raft.tracker.progress().get(to);
        long commit = Math.min(pr.match(), raft.log.committed());
        raft.send(Message.newBuilder().setTo(to).setType(MessageType.MsgHeartbeat)
                .setCommit(commit).setContext(context));
        pr.sentCommit(commit);
    }

    /** Sends an append to every other member. */
    void broadcastAppend() {
        ProgressMap progress = raft.tracker.progress();
        for (int i = 0; i < progress.size(); i++) {
            long peer = progress.idAt(i);
            if (peer != raft.id) {
                sendAppend(peer);
            }
        }
    }

    /** Sends a heartbeat to every other member, asking to confirm pending ReadIndex requests. */
    void broadcastHeartbeat() {
        ByteString context = raft.readOnly.heartbeatContext();
        ProgressMap progress = raft.tracker.progress();
        for (int i = 0; i < progress.size(); i++) {
            long peer = progress.idAt(i);
            if (peer != raft.id) {
                sendHeartbeat(peer, context);
            }
        }
    }

    /**
     * Commits the highest index a quorum holds, if it is of the current term (Raft §5.4.2).
     * Returns whether the commit index moved.
     */
    boolean maybeCommit() {
        return raft.log.maybeCommit(raft.tracker.committed(), raft.term);
    }

    /** A follower (or the leader itself, after persisting) answered an append. */
    void handleAppendResponse(Message response, Progress pr) {
        pr.setRecentActive(true);
        if (response.getReject()) {
            handleAppendRejection(response, pr);
            return;
        }
        long from = response.getFrom();
        // Also move a probing follower that acknowledged its current match (e.g. an empty probe
        // after ReportUnreachable) back to replicating.
        boolean probeConfirmed = pr.match() == response.getIndex()
                && pr.state() == ProgressState.PROBE;
        if (!pr.maybeUpdate(response.getIndex()) && !probeConfirmed) {
            return;
        }
        switch (pr.state()) {
            case PROBE -> pr.becomeReplicate();
            case SNAPSHOT -> {
                if (pr.match() + 1 >= raft.log.firstIndex()) {
                    // Caught up (by the snapshot or otherwise) to where the log can serve it.
                    pr.becomeProbe();
                    pr.becomeReplicate();
                }
            }
            case REPLICATE -> pr.inflights().freeLE(response.getIndex());
        }
        if (maybeCommit()) {
            // The commit moved in this term: pending reads may go, and everyone hears of it.
            raft.leaderRole.releasePendingReadIndexMessages();
            broadcastAppend();
        } else if (from != raft.id && pr.canBumpCommit(raft.log.committed())) {
            // The follower may lack the commit index; tell it without waiting for a heartbeat.
            sendAppend(from);
        }
        if (from != raft.id) {
            // The window may have opened (or probing turned into replicating): send all we can.
            while (maybeSendAppend(from, false)) {
                // Each iteration queues one message; the window bounds the loop.
            }
        }
        if (from == raft.leadTransferee && pr.match() == raft.log.lastIndex()) {
            // The transferee caught up: let it campaign now (thesis §3.10).
            raft.leaderRole.sendTimeoutNow(from);
        }
    }

    /**
     * The follower's log did not match at the append's previous entry. Its hint (index, term)
     * names the last entry that could match; skip everything above the largest index of our log
     * whose term is at most the hinted term, since those cannot match either. This probes at
     * most once per term instead of once per entry.
     */
    private void handleAppendRejection(Message response, Progress pr) {
        long nextProbeIndex = response.getRejectHint();
        if (response.getLogTerm() > 0) {
            nextProbeIndex = raft.log.findConflictByTerm(response.getRejectHint(),
                    response.getLogTerm());
        }
        if (pr.maybeDecrTo(response.getIndex(), nextProbeIndex)) {
            sendAppend(response.getFrom());
        }
    }
}
