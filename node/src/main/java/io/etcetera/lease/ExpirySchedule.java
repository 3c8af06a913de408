package io.etcetera.lease;

import io.etcetera.invariants.Invariants;
import io.etcetera.lease.pb.LeaseCheckpoint;
import io.etcetera.lease.pb.LeaseCheckpointRequest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.ToLongFunction;

/**
 * The primary lessor's clock-driven state: when each lease expires and when it is next
 * checkpointed (etcd's {@code leaseExpiredNotifier} and {@code leaseCheckpointHeap}), and the rate
 * budgets for handing both out.
 *
 * <p>Both queues are lazy ({@link LeaseQueue}). An entry is live only while its lease exists and
 * records the entry's time ({@link Lease#queuedExpiryNanos}, {@link Lease#checkpointDueNanos});
 * other entries, left by revoked leases, are dropped when they reach the head. A renewal only
 * moves the lease's expiry later and leaves its entry where it is: when that entry falls due, it
 * is put back at the lease's current expiry. So each lease has one live entry per queue, a
 * renewal costs no queue operation, and a lease renewed many times costs at most one
 * re-insertion per TTL. A queue that outgrows {@link #QUEUE_ENTRIES_PER_LEASE_MAX} entries per
 * lease (revoked leases with long TTLs) is rebuilt from its live entries.
 *
 * <p>Invariants, while primary: every lease has a live expiry entry; an entry not yet handed out
 * is at or before its lease's expiry, so leases are handed out in expiry order; an entry at or
 * after the expiry that falls due belongs to an expired lease. Not thread-safe: the {@link
 * Lessor}'s lock guards it and the lease map it shares with the lessor; it only runs while the
 * lessor is primary.
 */
final class ExpirySchedule {

    static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final int QUEUE_ENTRIES_PER_LEASE_MAX = 4;

    /** Entries a queue may hold beyond its per-lease maximum before it is rebuilt. */
    private static final int QUEUE_SLACK = 1024;

    /**
     * Queue entries one poll examines at most (stale, put back, or handed out): a few
     * milliseconds under the lock. The reaper's next call goes on where this one stopped.
     */
    private static final int EXAMINED_PER_POLL_MAX = 1 << 16;

    private final Map<Long, Lease> leases;
    private final LessorConfig config;
    private final long checkpointIntervalNanos;
    private final long expiredRetryNanos;
    private final LeaseQueue expiryQueue = new LeaseQueue();
    private final LeaseQueue checkpointQueue = new LeaseQueue();
    private final TokenBucket revokeBudget;
    private final TokenBucket checkpointBudget;

    ExpirySchedule(Map<Long, Lease> leases, LessorConfig config, long nowNanos) {
        this.leases = leases;
        this.config = config;
        this.checkpointIntervalNanos = config.checkpointInterval().toNanos();
        this.expiredRetryNanos = config.expiredRetryInterval().toNanos();
        this.revokeBudget =
                new TokenBucket(config.revokeRatePerSecond(), config.revokeBatchMax(), nowNanos);
        this.checkpointBudget =
                new TokenBucket(
                        config.checkpointRatePerSecond(), config.checkpointBatchMax(), nowNanos);
    }

    /**
     * Sets the lease to expire {@code ttlSeconds} plus {@code extraNanos} after {@code now}. A
     * renewed lease keeps its entry when that is not later than the new expiry (see the class
     * comment); it is later only for a renewal within an election timeout of a promotion, whose
     * extension the renewal gives up, as in etcd.
     */
    void startExpiry(Lease lease, long now, long ttlSeconds, long extraNanos) {
        long expiry = plusSaturated(plusSaturated(now, ttlSeconds * NANOS_PER_SECOND), extraNanos);
        lease.expiryNanos = expiry;
        if (lease.queuedExpiryNanos == Lease.NOT_QUEUED || lease.queuedExpiryNanos > expiry) {
            queueExpiry(lease, expiry);
        }
    }

    /** Schedules the lease's checkpoint an interval after {@code now}, if its TTL is longer. */
    void scheduleCheckpoint(Lease lease, long now) {
        if (lease.ttlSeconds * NANOS_PER_SECOND <= checkpointIntervalNanos) {
            return;
        }
        long due = plusSaturated(now, checkpointIntervalNanos);
        lease.checkpointDueNanos = due;
        checkpointQueue.push(due, lease.id);
        compactIfOversized(checkpointQueue, live -> live.checkpointDueNanos);
    }

    /**
     * Expired leases, earliest expiry first, within the batch and rate limits; each is queued
     * again to be handed out after the retry interval unless its revoke is applied first.
     */
    long[] pollExpired(long now) {
        int limit = (int) Math.min(config.revokeBatchMax(), revokeBudget.available(now));
        long[] expired = new long[limit];
        int count = 0;
        for (int examined = 0;
                count < limit && examined < EXAMINED_PER_POLL_MAX && isDue(expiryQueue, now);
                examined++) {
            long time = expiryQueue.peekTime();
            Lease lease = popLive(expiryQueue, live -> live.queuedExpiryNanos);
            if (lease == null) {
                continue;
            }
            if (time < lease.expiryNanos) {
                queueExpiry(lease, lease.expiryNanos);
                continue;
            }
            Invariants.check(lease.isExpired(now), "lease %x due before its expiry", lease.id);
            queueExpiry(lease, plusSaturated(now, expiredRetryNanos));
            expired[count++] = lease.id;
        }
        revokeBudget.take(count);
        return count == limit ? expired : Arrays.copyOf(expired, count);
    }

    /**
     * Due checkpoints within the batch and rate limits: the remaining TTL, rounded up, of each
     * due lease that has neither expired nor been renewed within the last second. Every due lease
     * is scheduled again an interval later.
     */
    Optional<LeaseCheckpointRequest> pollCheckpoints(long now) {
        int limit = (int) Math.min(config.checkpointBatchMax(), checkpointBudget.available(now));
        LeaseCheckpointRequest.Builder batch = LeaseCheckpointRequest.newBuilder();
        for (int examined = 0;
                batch.getCheckpointsCount() < limit
                        && examined < EXAMINED_PER_POLL_MAX
                        && isDue(checkpointQueue, now);
                examined++) {
            Lease lease = popLive(checkpointQueue, live -> live.checkpointDueNanos);
            if (lease == null) {
                continue;
            }
            scheduleCheckpoint(lease, now);
            long remainingSeconds = ceilSeconds(lease.expiryNanos - now);
            if (!lease.isExpired(now) && remainingSeconds < lease.ttlSeconds) {
                batch.addCheckpoints(checkpoint(lease.id, remainingSeconds));
            }
        }
        checkpointBudget.take(batch.getCheckpointsCount());
        return batch.getCheckpointsCount() == 0 ? Optional.empty() : Optional.of(batch.build());
    }

    /**
     * Forgets every expiry and checkpoint: each lease lives forever until scheduled again. Returns
     * the renewals that waited on expired leases, for the caller to fail once it holds no lock.
     */
    List<CompletableFuture<Void>> clear() {
        List<CompletableFuture<Void>> waiters = new ArrayList<>();
        for (Lease lease : leases.values()) {
            lease.expiryNanos = Lease.FOREVER;
            lease.queuedExpiryNanos = Lease.NOT_QUEUED;
            lease.checkpointDueNanos = Lease.NOT_QUEUED;
            if (lease.revokeWaiters != null) {
                waiters.add(lease.revokeWaiters);
                lease.revokeWaiters = null;
            }
        }
        expiryQueue.clear();
        checkpointQueue.clear();
        return waiters;
    }

    /** The schedule's invariants over every lease, for {@code Verify}. */
    void verify(boolean primary) {
        for (Lease lease : leases.values()) {
            Invariants.check(
                    primary
                            || (lease.expiryNanos == Lease.FOREVER
                                    && lease.queuedExpiryNanos == Lease.NOT_QUEUED
                                    && lease.checkpointDueNanos == Lease.NOT_QUEUED),
                    "lease %x is scheduled on a lessor that is not primary",
                    lease.id);
            Invariants.check(
                    !primary || lease.queuedExpiryNanos != Lease.NOT_QUEUED,
                    "lease %x has no expiry entry on the primary",
                    lease.id);
        }
        Invariants.check(
                primary || (expiryQueue.isEmpty() && checkpointQueue.isEmpty()),
                "a lessor that is not primary has %d expiries and %d checkpoints queued",
                expiryQueue.size(),
                checkpointQueue.size());
    }

    private void queueExpiry(Lease lease, long timeNanos) {
        lease.queuedExpiryNanos = timeNanos;
        expiryQueue.push(timeNanos, lease.id);
        compactIfOversized(expiryQueue, live -> live.queuedExpiryNanos);
    }

    /** Rebuilds {@code queue} from its live entries once stale ones outnumber the bound. */
    private void compactIfOversized(LeaseQueue queue, ToLongFunction<Lease> liveTime) {
        if (queue.size() <= (long) leases.size() * QUEUE_ENTRIES_PER_LEASE_MAX + QUEUE_SLACK) {
            return;
        }
        queue.clear();
        for (Lease live : leases.values()) {
            long time = liveTime.applyAsLong(live);
            if (time != Lease.NOT_QUEUED) {
                queue.push(time, live.id);
            }
        }
    }

    private static boolean isDue(LeaseQueue queue, long now) {
        return !queue.isEmpty() && queue.peekTime() <= now;
    }

    /** Pops the head entry: its lease if the entry is live, else null (a revoked lease's). */
    private Lease popLive(LeaseQueue queue, ToLongFunction<Lease> liveTime) {
        long time = queue.peekTime();
        Lease lease = leases.get(queue.peekId());
        queue.pop();
        return lease != null && liveTime.applyAsLong(lease) == time ? lease : null;
    }

    /** {@code a + b} for {@code b >= 0}, held below {@link Lease#FOREVER}. */
    private static long plusSaturated(long a, long b) {
        return a > Lease.FOREVER - 1 - b ? Lease.FOREVER - 1 : a + b;
    }

    private static long ceilSeconds(long nanos) {
        return nanos / NANOS_PER_SECOND + (nanos % NANOS_PER_SECOND == 0 ? 0 : 1);
    }

    static LeaseCheckpoint checkpoint(long id, long remainingTtlSeconds) {
        return LeaseCheckpoint.newBuilder()
                .setId(id)
                .setRemainingTtlSeconds(remainingTtlSeconds)
                .build();
    }
}
