package io.etcetera.server;

import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcetera.lease.Lessor;
import io.etcetera.lease.pb.LeaseCheckpointRequest;
import io.etcetera.server.pb.RaftRequest;

import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The lease reaper (etcd's lessor {@code runLoop} and the revoke loop of {@code EtcdServer.run}):
 * every {@link #REAP_INTERVAL_MILLIS} on the leader it proposes the remaining-TTL checkpoints that
 * are due, and turns the leases its lessor found expired into LeaseRevoke proposals, after
 * confirming through a ReadIndex round that this member still leads the same term, so that a
 * leader cut off from its quorum never revokes on its stale clock. Followers never revoke.
 *
 * <p>Rates are bounded twice: the lessor hands out expired leases and checkpoints at its
 * configured rates, and at most {@link #REVOKES_IN_FLIGHT_MAX} revokes are proposed and not yet
 * applied. A revoke that is lost (a full inbox, a leader change) is handed out again by the lessor
 * after its retry interval.
 *
 * <p>{@link #tick} runs on the {@code server-loop} thread; the confirmation completes on whichever
 * thread answers the read round (the raft loop or the apply thread), which only proposes.
 */
final class LeaseReaper {

    /** How often the leader looks for expired leases and due checkpoints (etcd: 500 ms). */
    static final long REAP_INTERVAL_MILLIS = 500;

    /** Revokes proposed and not yet applied, at most (etcd allows 16 goroutines of them). */
    static final int REVOKES_IN_FLIGHT_MAX = 1000;

    /** Checkpoint batches proposed per reap at most (each is bounded by the lessor). */
    static final int CHECKPOINT_BATCHES_PER_REAP_MAX = 8;

    private static final Logger LOG = Logger.getLogger(LeaseReaper.class);

    private final Lessor lessor;
    private final BooleanSupplier isLeader;
    private final LongSupplier term;
    /** A read round: completes only if this member still leads with a quorum. */
    private final Supplier<CompletableFuture<Void>> confirmLeadership;
    private final Function<RaftRequest.Builder, CompletableFuture<Object>> propose;

    private final AtomicBoolean confirming = new AtomicBoolean();
    private final AtomicInteger revokesInFlight = new AtomicInteger();
    /** Server loop only. */
    private long nextReapMillis;

    LeaseReaper(Lessor lessor, BooleanSupplier isLeader, LongSupplier term,
            Supplier<CompletableFuture<Void>> confirmLeadership,
            Function<RaftRequest.Builder, CompletableFuture<Object>> propose) {
        this.lessor = lessor;
        this.isLeader = isLeader;
        this.term = term;
        this.confirmLeadership = confirmLeadership;
        this.propose = propose;
    }

    /** Server loop, at every sweep: reaps when the interval has passed and this member leads. */
    void tick(long nowMillis) {
        if (nowMillis < nextReapMillis) {
            return;
        }
        nextReapMillis = nowMillis + REAP_INTERVAL_MILLIS;
        if (!isLeader.getAsBoolean()) {
            return;
        }
        proposeCheckpoints();
        if (!confirming.get() && revokesInFlight.get() < REVOKES_IN_FLIGHT_MAX) {
            reapExpired();
        }
    }

    /** Revokes proposed and not yet answered (for tests and metrics). */
    int revokesInFlight() {
        return revokesInFlight.get();
    }

    private void proposeCheckpoints() {
        for (int batch = 0; batch < CHECKPOINT_BATCHES_PER_REAP_MAX; batch++) {
            Optional<LeaseCheckpointRequest> due = lessor.dueCheckpoints();
            if (due.isEmpty()) {
                return;
            }
            propose.apply(RaftRequest.newBuilder().setLeaseCheckpoint(due.get()))
                    .whenComplete((result, failure) -> {
                        if (failure != null) {
                            LOG.debugf("a lease checkpoint was not applied: %s", failure);
                        }
                    });
        }
    }

    private void reapExpired() {
        long[] expired = lessor.expiredLeases();
        if (expired.length == 0) {
            return;
        }
        long confirmedTerm = term.getAsLong();
        confirming.set(true);
        confirmLeadership.get().whenComplete((ready, failure) -> {
            try {
                if (failure == null && isLeader.getAsBoolean()
                        && term.getAsLong() == confirmedTerm) {
                    for (long leaseId : expired) {
                        revoke(leaseId);
                    }
                } else {
                    LOG.debugf("not revoking %d expired leases: leadership of term %d not"
                            + " confirmed (%s)", expired.length, confirmedTerm, failure);
                }
            } finally {
                confirming.set(false);
            }
        });
    }

    private void revoke(long leaseId) {
        revokesInFlight.incrementAndGet();
        propose.apply(RaftRequest.newBuilder()
                .setLeaseRevoke(LeaseRevokeRequest.newBuilder().setID(leaseId)))
                .whenComplete((result, failure) -> {
                    revokesInFlight.decrementAndGet();
                    if (failure != null) {
                        LOG.debugf("revoking expired lease %x failed: %s", leaseId, failure);
                    }
                });
    }
}
