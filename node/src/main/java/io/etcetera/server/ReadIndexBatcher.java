package io.etcetera.server;

import com.google.protobuf.ByteString;

import io.etcetera.raft.ReadState;
import io.etcetera.server.RequestFailedException.Reason;

import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Linearizable reads by batched ReadIndex (etcd's {@code linearizableReadLoop}): every read that
 * arrives while a read-index round is in flight joins the next round, and one round asks Raft for
 * one read index for all of them. A round completes once this member has applied up to the index
 * the leader confirmed; then each of its reads may be served from the local store.
 *
 * <p>A read must join a round asked for after it arrived (an earlier round's index may be older
 * than a write the read must see), hence two slots: the round in flight, and the reads for the
 * next one. As in etcd, a round is resent every {@link #RETRY_MILLIS} until answered and fails with
 * {@code request timed out} after the request timeout; unlike etcd, which fails it with {@code
 * leader changed}, a round is resent to a new leader at once.
 *
 * <p>Thread-safe: reads arrive on any thread, read states on the raft loop, sweeps on the server
 * loop; the two slots are guarded by this object's monitor, never held while completing futures.
 */
final class ReadIndexBatcher {

    /** etcd's {@code readIndexRetryTime}. */
    static final long RETRY_MILLIS = 500;

    private final RaftInbox raft;
    private final AppliedIndex applied;
    private final RequestIds ids;
    private final InstantSource clock;
    private final long timeoutMillis;

    /** Reads waiting for the next round, or null; guarded by {@code this}. */
    private CompletableFuture<Void> next;
    /** The round asked of Raft and not yet answered, or null; guarded by {@code this}. */
    private Round inFlight;

    /** One read-index request and the reads it serves. */
    private static final class Round {
        final ByteString context;
        final CompletableFuture<Void> reads;
        final long startMillis;
        long sentMillis;

        Round(long id, CompletableFuture<Void> reads, long startMillis) {
            this.context = ByteString.copyFrom(ByteBuffer.allocate(Long.BYTES).putLong(0, id));
            this.reads = reads;
            this.startMillis = startMillis;
            this.sentMillis = startMillis;
        }
    }

    ReadIndexBatcher(RaftInbox raft, AppliedIndex applied, RequestIds ids, InstantSource clock,
            long timeoutMillis) {
        this.raft = raft;
        this.applied = applied;
        this.ids = ids;
        this.clock = clock;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * A future that completes when a read issued now may be served from the local store, or fails
     * with a {@link RequestFailedException}. Any thread; never blocks.
     */
    CompletableFuture<Void> barrier() {
        CompletableFuture<Void> joined;
        Round toSend = null;
        synchronized (this) {
            if (next == null) {
                next = new CompletableFuture<>();
            }
            joined = next;
            if (inFlight == null) {
                toSend = startRoundLocked();
            }
        }
        if (toSend != null) {
            send(toSend);
        }
        return joined;
    }

    private Round startRoundLocked() {
        Round round = new Round(ids.next(), next, clock.millis());
        next = null;
        inFlight = round;
        return round;
    }

    private void send(Round round) {
        if (!raft.offer(new RaftEvent.ReadIndex(round.context))) {
            finish(round, RequestFailedException.of(Reason.TOO_MANY_REQUESTS));
        }
    }

    /** Raft loop: the read states of one Ready. */
    void onReadStates(List<ReadState> states) {
        for (ReadState state : states) {
            Round answered;
            synchronized (this) {
                if (inFlight == null || !inFlight.context.equals(state.requestContext())) {
                    continue; // a round that was already failed or answered: stale
                }
                answered = inFlight;
                inFlight = null;
            }
            applied.await(state.index()).whenComplete((ignored, failure) -> {
                if (failure == null) {
                    answered.reads.complete(null);
                } else {
                    answered.reads.completeExceptionally(failure);
                }
            });
            startNextRound();
        }
    }

    /**
     * Raft loop: the leader changed. The round in flight may never be answered by the old leader,
     * so it is sent again at once when a new leader is known (its reads all arrived before, so a
     * read index from the new leader serves them); without a leader it waits for the next sweep.
     */
    void onLeaderChange(long newLeader) {
        Round resend = null;
        synchronized (this) {
            if (inFlight != null && newLeader != 0) {
                inFlight.sentMillis = clock.millis();
                resend = inFlight;
            }
        }
        if (resend != null) {
            send(resend);
        }
    }

    /** Server loop: resends a slow round, fails one past the request timeout. */
    void sweep() {
        long now = clock.millis();
        Round resend = null;
        Round expired = null;
        synchronized (this) {
            if (inFlight != null && now - inFlight.startMillis >= timeoutMillis) {
                expired = inFlight;
                inFlight = null;
            } else if (inFlight != null && now - inFlight.sentMillis >= RETRY_MILLIS) {
                inFlight.sentMillis = now;
                resend = inFlight;
            }
        }
        if (expired != null) {
            expired.reads.completeExceptionally(RequestFailedException.of(Reason.TIMEOUT));
            startNextRound();
        }
        if (resend != null) {
            send(resend);
        }
    }

    /** Fails the round in flight and the reads waiting for the next one. */
    void failAll(RuntimeException failure) {
        Round failed;
        CompletableFuture<Void> waiting;
        synchronized (this) {
            failed = inFlight;
            waiting = next;
            inFlight = null;
            next = null;
        }
        if (failed != null) {
            failed.reads.completeExceptionally(failure);
        }
        if (waiting != null) {
            waiting.completeExceptionally(failure);
        }
    }

    private void startNextRound() {
        Round round = null;
        synchronized (this) {
            if (inFlight == null && next != null) {
                round = startRoundLocked();
            }
        }
        if (round != null) {
            send(round);
        }
    }

    private void finish(Round round, RuntimeException failure) {
        synchronized (this) {
            if (inFlight == round) {
                inFlight = null;
            }
        }
        round.reads.completeExceptionally(failure);
    }
}
