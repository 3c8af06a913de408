package io.etcetera.raft.tracker;

import io.etcetera.invariants.Invariants;

/**
 * The leader's view of one follower's log (Raft §5.3 "nextIndex" and "matchIndex"), and how it
 * replicates to it: {@link ProgressState#PROBE}, {@link ProgressState#REPLICATE} or
 * {@link ProgressState#SNAPSHOT}. This class owns those transitions.
 *
 * <p>Invariant: {@code match < next}. Everything up to {@code match} is known to be in the
 * follower's log; {@code next} is the first index the leader will send next. Confined to the raft
 * thread.
 */
public final class Progress {

    private long match;
    private long next;
    /**
     * The highest commit index sent to the follower (or a lower bound of it), so the leader can
     * tell whether the follower may still lack the current commit index.
     */
    private long sentCommit;
    private ProgressState state = ProgressState.PROBE;
    /**
     * In SNAPSHOT state, the index of the snapshot being sent; once it is reported, probing resumes
     * above it. Zero when none.
     */
    private long pendingSnapshot;
    /**
     * Whether the follower was heard from since the last CheckQuorum round. A new peer starts
     * active, so that it is not counted against the quorum before it could answer.
     */
    private boolean recentActive;
    /**
     * In PROBE, set once one append went out and cleared by the answer or the next heartbeat
     * response; in REPLICATE, mirrors a full in-flight window.
     */
    private boolean msgAppFlowPaused;
    private final Inflights inflights;
    private boolean learner;

    /**
     * A progress in PROBE state.
     *
     * @param match highest index known replicated
     * @param next first index to send; above {@code match}
     */
    public Progress(long match, long next, Inflights inflights, boolean learner,
                    boolean recentActive) {
        Invariants.check(match < next, "progress match(%d) >= next(%d)", match, next);
        this.match = match;
        this.next = next;
        this.inflights = inflights;
        this.learner = learner;
        this.recentActive = recentActive;
    }

    /** A deep copy, for status reports and configuration changes that work on copies. */
    public Progress copy() {
        Progress copy = new Progress(match, next, inflights.copy(), learner, recentActive);
        copy.sentCommit = sentCommit;
        copy.state = state;
        copy.pendingSnapshot = pendingSnapshot;
        copy.msgAppFlowPaused = msgAppFlowPaused;
        return copy;
    }

    private void resetState(ProgressState newState) {
        msgAppFlowPaused = false;
        pendingSnapshot = 0;
        state = newState;
        inflights.reset();
    }

    /**
     * Back to probing from the last known match. Coming from SNAPSHOT, probing starts above the
     * snapshot if it was sent successfully (pendingSnapshot is cleared first on failure).
     */
    public void becomeProbe() {
        long snapshotIndex = state == ProgressState.SNAPSHOT ? pendingSnapshot : 0;
        resetState(ProgressState.PROBE);
        next = Math.max(match + 1, snapshotIndex + 1);
        sentCommit = Math.min(sentCommit, next - 1);
        checkMatchBelowNext();
    }

    /** Streams appends optimistically from just above the match. */
    public void becomeReplicate() {
        resetState(ProgressState.REPLICATE);
        next = match + 1;
    }

    /** Pauses appends while the follower installs the snapshot at {@code snapshotIndex}. */
    public void becomeSnapshot(long snapshotIndex) {
        resetState(ProgressState.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
        next = snapshotIndex + 1;
        sentCommit = snapshotIndex;
        checkMatchBelowNext();
    }

    /** Forgets a pending snapshot that failed, so that probing does not assume it arrived. */
    public void abortPendingSnapshot() {
        pendingSnapshot = 0;
    }

    /**
     * Records that an append with {@code entryCount} entries and {@code payloadBytes} was sent
     * starting at {@code next}. In REPLICATE, entries may only be sent into a window with room
     * (a full window gets empty appends only).
     */
    public void sentEntries(int entryCount, long payloadBytes) {
        switch (state) {
            case REPLICATE -> {
                if (entryCount > 0) {
                    next += entryCount;
                    inflights.add(next - 1, payloadBytes);
                }
                msgAppFlowPaused = inflights.full();
            }
            case PROBE -> {
                // One probe at a time: wait for its answer (or a heartbeat response) first.
                if (entryCount > 0) {
                    msgAppFlowPaused = true;
                }
            }
            case SNAPSHOT -> throw new IllegalStateException(
                    "append sent to a follower in StateSnapshot: " + this);
        }
    }

    /** True if the follower may lack commit index {@code commit} and could store it. */
    public boolean canBumpCommit(long commit) {
        // Sending a commit index above next - 1 is useless: the follower cannot commit entries
        // it may not have.
        return commit > sentCommit && sentCommit < next - 1;
    }

    /** Records that commit index {@code commit} was sent to the follower. */
    public void sentCommit(long commit) {
        sentCommit = commit;
    }

    /**
     * The follower acknowledged everything up to {@code index}. Returns whether that was news
     * (the match moved); a stale or duplicated acknowledgement changes nothing.
     */
    public boolean maybeUpdate(long index) {
        if (index <= match) {
            return false;
        }
        match = index;
        next = Math.max(next, index + 1);
        msgAppFlowPaused = false;
        return true;
    }

    /**
     * The follower rejected the append whose previous entry was at {@code rejected}, hinting that
     * its log may match up to {@code matchHint}. Returns whether {@code next} moved back; stale
     * rejections (of appends already superseded) are ignored. In REPLICATE a rejection means the
     * optimistic stream went wrong (lost appends, a diverged log): back to PROBE from the match.
     */
    public boolean maybeDecrTo(long rejected, long matchHint) {
        if (state == ProgressState.REPLICATE) {
            // Everything up to match is known good, so a rejection at or below it is stale.
            if (rejected <= match) {
                return false;
            }
            becomeProbe();
            return true;
        }
        // In PROBE only the most recent probe (previous entry next - 1) tells anything new.
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, matchHint + 1), match + 1);
        sentCommit = Math.min(sentCommit, next - 1);
        msgAppFlowPaused = false;
        checkMatchBelowNext();
        return true;
    }

    private void checkMatchBelowNext() {
        Invariants.check(match < next, "progress match(%d) >= next(%d)", match, next);
    }

    /** Whether the leader must hold back appends to this follower for now. */
    public boolean isPaused() {
        return switch (state) {
            case PROBE, REPLICATE -> msgAppFlowPaused;
            case SNAPSHOT -> true;
        };
    }

    public long match() {
        return match;
    }

    public long next() {
        return next;
    }

    public ProgressState state() {
        return state;
    }

    public long pendingSnapshot() {
        return pendingSnapshot;
    }

    public boolean recentActive() {
        return recentActive;
    }

    public void setRecentActive(boolean recentActive) {
        this.recentActive = recentActive;
    }

    public boolean msgAppFlowPaused() {
        return msgAppFlowPaused;
    }

    public void setMsgAppFlowPaused(boolean paused) {
        this.msgAppFlowPaused = paused;
    }

    public Inflights inflights() {
        return inflights;
    }

    public boolean isLearner() {
        return learner;
    }

    public void setLearner(boolean learner) {
        this.learner = learner;
    }

    /** As etcd prints it, e.g. {@code StateReplicate match=5 next=6 inflight=1}. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder()
                .append(state).append(" match=").append(match).append(" next=").append(next);
        if (learner) {
            text.append(" learner");
        }
        if (isPaused()) {
            text.append(" paused");
        }
        if (pendingSnapshot > 0) {
            text.append(" pendingSnap=").append(pendingSnapshot);
        }
        if (!recentActive) {
            text.append(" inactive");
        }
        if (inflights.count() > 0) {
            text.append(" inflight=").append(inflights.count());
            if (inflights.full()) {
                text.append("[full]");
            }
        }
        return text.toString();
    }
}
