package io.etcetera.lease;

import io.etcetera.lease.pb.LeaseRecord;

import java.util.concurrent.CompletableFuture;

/**
 * One granted lease inside the {@link Lessor} (etcd's {@code Lease}), without its keys: which keys
 * are attached to a lease is the mvcc store's to know (its lease family), so a member never holds
 * every leased key in memory.
 *
 * <p>Two kinds of state:
 *
 * <ul>
 *   <li>replicated, equal on every member because only applied entries and recovery change it:
 *       {@link #id}, {@link #ttlSeconds}, {@link #remainingTtlSeconds};
 *   <li>the primary's, read from this member's clock and meaningful only while its lessor is
 *       primary: {@link #expiryNanos}, {@link #queuedExpiryNanos}, {@link #checkpointDueNanos},
 *       {@link #revokeWaiters}.
 * </ul>
 *
 * <p>Invariant (checked by the lessor): a lessor that is not primary keeps every lease at {@link
 * #FOREVER}, unqueued and unscheduled. Mutable; guarded by the lessor's lock.
 */
final class Lease {

    /** The expiry of every lease on a member that is not the leader (etcd's {@code forever}). */
    static final long FOREVER = Long.MAX_VALUE;

    /** A time for a queue this lease has no live entry in. */
    static final long NOT_QUEUED = Long.MIN_VALUE;

    final long id;

    /** The granted TTL: the requested one raised to the lessor's minimum. */
    final long ttlSeconds;

    /** The remaining TTL at the last applied checkpoint; 0: none since the grant or a renewal. */
    long remainingTtlSeconds;

    /** When the primary lets the lease expire, in the lessor's nanoseconds. */
    long expiryNanos = FOREVER;

    /**
     * The time of this lease's live entry in the expiry queue: at or before {@link #expiryNanos}
     * (renewals move the expiry, not the entry), or after the lease was handed out as expired, the
     * time to hand it out again. Other entries of this ID are stale.
     */
    long queuedExpiryNanos = NOT_QUEUED;

    /** The time of this lease's live entry in the checkpoint schedule, if it has one. */
    long checkpointDueNanos = NOT_QUEUED;

    /**
     * Renewals that found the lease expired wait on this (etcd's {@code revokec}): it completes
     * when the revoke is applied, or fails with {@link NotPrimaryException} when the lessor is
     * demoted or promoted again first. Null while nobody waits.
     */
    CompletableFuture<Void> revokeWaiters;

    Lease(long id, long ttlSeconds, long remainingTtlSeconds) {
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        this.remainingTtlSeconds = remainingTtlSeconds;
    }

    /**
     * The TTL a new leader starts this lease from, before its extension: the last checkpoint if
     * there is one, else the full TTL (etcd's {@code getRemainingTTL}).
     */
    long promotedTtlSeconds() {
        return remainingTtlSeconds > 0 ? remainingTtlSeconds : ttlSeconds;
    }

    boolean isExpired(long nowNanos) {
        return expiryNanos <= nowNanos;
    }

    LeaseRecord toRecord() {
        return LeaseRecord.newBuilder()
                .setId(id)
                .setTtlSeconds(ttlSeconds)
                .setRemainingTtlSeconds(remainingTtlSeconds)
                .build();
    }
}
