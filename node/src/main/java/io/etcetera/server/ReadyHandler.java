package io.etcetera.server;

import io.etcetera.raft.RaftRole;
import io.etcetera.raft.SoftState;
import io.etcetera.raft.pb.HardState;

import io.etcetera.server.RequestFailedException.Reason;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * What the raft loop reports about each Ready (etcd's {@code raftReadyHandler}): the leader, the
 * term and committed index, leadership changes. On a change of leadership it pauses or resumes the
 * leader-only background work (the auto-compactor, the lease reaper) and resends the read-index
 * round in flight, which the old leader may no longer answer.
 *
 * <p>Written only by the raft loop; read by any thread through the volatile getters. Metrics
 * (issue 7) read the same getters. MoveLeader waits for a leader here ({@link #awaitLeader}); the
 * server loop sweeps those waits (a lock-free queue).
 */
final class ReadyHandler {

    private final long memberId;
    /** Told {@code true} when this member becomes leader, {@code false} when it stops being one. */
    private final List<Consumer<Boolean>> leadershipListeners;
    private final ReadIndexBatcher reads;
    private final long electionTimeoutMillis;

    /** A MoveLeader waiting for {@code target} to lead. */
    private record LeaderWait(long target, CompletableFuture<Void> done, long deadlineMillis) {}

    private final ConcurrentLinkedQueue<LeaderWait> leaderWaits = new ConcurrentLinkedQueue<>();

    private volatile long leaderId;
    private volatile boolean leader;
    private volatile long term;
    private volatile long committedIndex;
    private volatile long leaderChanges;
    /** When the current leader was first seen, for etcd's "timed out due to leader fail". */
    private volatile long leaderElectedMillis;

    ReadyHandler(long memberId, List<Consumer<Boolean>> leadershipListeners,
            ReadIndexBatcher reads, HardState restored, long electionTimeoutMillis) {
        this.memberId = memberId;
        this.electionTimeoutMillis = electionTimeoutMillis;
        this.leadershipListeners = List.copyOf(leadershipListeners);
        this.reads = reads;
        this.term = restored.getTerm();
        this.committedIndex = restored.getCommit();
    }

    /** Raft loop: the leader or role changed. */
    void onSoftState(SoftState state, long nowMillis) {
        long previousLeader = leaderId;
        boolean wasLeader = leader;
        if (state.leader() != 0 && state.leader() != previousLeader) {
            leaderChanges++;
            leaderElectedMillis = nowMillis;
        }
        leaderId = state.leader();
        if (state.leader() != previousLeader) {
            reads.onLeaderChange(state.leader());
        }
        leader = state.role() == RaftRole.LEADER && state.leader() == memberId;
        if (leader != wasLeader) {
            for (Consumer<Boolean> listener : leadershipListeners) {
                listener.accept(leader);
            }
        }
    }

    /**
     * A future that completes once {@code target} is the leader (MoveLeader), or fails with
     * {@code request timed out} at the request timeout ({@link #sweep}).
     */
    CompletableFuture<Void> awaitLeader(long target, long nowMillis, long timeoutMillis) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        leaderWaits.add(new LeaderWait(target, done, nowMillis + timeoutMillis));
        if (leaderId == target) {
            done.complete(null);
        }
        return done;
    }

    /** Server loop: completes the waits whose leader came, fails those past their deadline. */
    void sweep(long nowMillis) {
        for (LeaderWait wait : leaderWaits) {
            if (leaderId == wait.target()) {
                wait.done().complete(null);
            } else if (nowMillis >= wait.deadlineMillis()) {
                wait.done().completeExceptionally(RequestFailedException.of(Reason.TIMEOUT));
            }
        }
        leaderWaits.removeIf(wait -> wait.done().isDone());
    }

    /** Fails every leader wait, e.g. on stop. */
    void failAll(RuntimeException failure) {
        leaderWaits.forEach(wait -> wait.done().completeExceptionally(failure));
        leaderWaits.clear();
    }

    /** Raft loop: a new hard state (term, vote, commit) is being persisted. */
    void onHardState(HardState state) {
        term = state.getTerm();
        committedIndex = state.getCommit();
    }

    /** The leader's ID as this member knows it; 0 when none. */
    long leaderId() {
        return leaderId;
    }

    boolean isLeader() {
        return leader;
    }

    long term() {
        return term;
    }

    long committedIndex() {
        return committedIndex;
    }

    /** Times a new leader was seen since start (etcd_server_leader_changes_seen_total). */
    long leaderChanges() {
        return leaderChanges;
    }

    long leaderElectedMillis() {
        return leaderElectedMillis;
    }

    long electionTimeoutMillis() {
        return electionTimeoutMillis;
    }
}
