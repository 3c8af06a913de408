package io.etcetera.lease;

import com.google.protobuf.ByteString;

import io.etcetera.invariants.Invariants;
import io.etcetera.invariants.Verify;
import io.etcetera.lease.pb.LeaseCheckpoint;
import io.etcetera.lease.pb.LeaseCheckpointRequest;
import io.etcetera.lease.pb.LeaseRecord;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The member's leases and, on the leader, the clock that expires them: etcd's lessor
 * ({@code server/lease/lessor.go}).
 *
 * <p>Every member holds the same leases, changed only by applied Raft entries (grant, revoke,
 * checkpoint) and by recovery. The lessor of the leader is <em>primary</em>: it gives each lease
 * an expiry on the injected clock, renews leases, and hands expired leases to the server, which
 * re-confirms leadership and proposes their revokes through Raft. A lessor that is not primary
 * never expires anything on its own clock. A new primary starts every lease from its last
 * checkpointed remaining TTL (else its full TTL) plus one election timeout, so that an election
 * neither expires leases nor resets long ones to their full TTL (etcd issue 9395). The leader
 * records remaining TTLs through Raft every {@link LessorConfig#checkpointInterval()}; members
 * persist them, so the same holds across restarts.
 *
 * <p>The lessor writes nothing itself. Each applied change hands its record to a sink the server
 * points at the apply batch ({@code batch::putRecord}, {@code batch::deleteRecord}), so a lease
 * becomes durable in the same atomic write as the applied index that covers it. Keys attached to
 * a lease are the mvcc store's: it deletes them on revoke ({@code ApplyBatch.revokeLease}) and
 * lists them ({@code ReadView.leaseKeys}).
 *
 * <p>Who calls what:
 *
 * <ul>
 *   <li>apply thread, for each committed entry in log order: {@link #grant}, {@link #revoke} (with
 *       {@code batch.revokeLease(id)} in the same batch), {@link #checkpoint}; {@link #exists} as
 *       the batch's lease check; {@link #promote()} when it applies the empty entry a new leader
 *       appends, if this member is still leader (etcd's {@code applyEntryNormal}); {@link
 *       #recover} at open and after installing a snapshot, while not primary.
 *   <li>the thread that sees this member stop being leader (the raft loop's ready handler), and
 *       stop: {@link #demote()}.
 *   <li>gRPC threads: {@link #renew} (KeepAlive), {@link #timeToLive}, {@link #leases}.
 *   <li>the lease reaper on the leader, periodically (etcd: every 500 ms): {@link #expiredLeases()}
 *       and {@link #dueCheckpoints()}, each until it returns nothing; it proposes what they return.
 * </ul>
 *
 * <p>Thread-safe: one lock guards all state. Every call holds it for O(log n) work, except
 * {@link #promote()}, {@link #demote()}, {@link #leases()} and {@link #recover}, which are O(n) as
 * in etcd. A lock rather than confinement to one thread, because KeepAlive renewals arrive on gRPC
 * threads at the clients' rate and must not queue behind apply batches (etcd takes its RWMutex
 * for the same reason); reads are as short as writes here, so a plain lock. Nothing is called out
 * while it is held (record sinks and waiters run after it is released).
 *
 * <p>Time is in nanoseconds since the lessor was made, read from the injected {@link
 * InstantSource}, which should be monotonic (e.g. {@code () -> Instant.ofEpochSecond(0,
 * System.nanoTime())}): etcd relies on Go's monotonic clock; a wall clock that jumps would expire
 * leases early.
 */
public final class Lessor {

    /** etcd's {@code MaxLeaseTTL}: about 285 years. */
    public static final long TTL_SECONDS_MAX = 9_000_000_000L;

    /** etcd's {@code NoLease}: a put without a lease; never the ID of a granted lease. */
    public static final long NO_LEASE = 0;

    /** Draws of a request ID {@link #chooseId} makes before it calls the ID source broken. */
    private static final int ID_DRAWS_MAX = 16;

    private static final long[] NO_LEASES = new long[0];

    /** LeaseLeases' order on the primary. */
    private static final Comparator<Lease> BY_EXPIRY =
            Comparator.<Lease>comparingLong(lease -> lease.expiryNanos)
                    .thenComparingLong(lease -> lease.id);

    private final LessorConfig config;
    private final InstantSource clock;

    /** The zero of this lessor's nanoseconds: its time can neither overflow nor be mistaken. */
    private final Instant origin;

    /** What a new primary adds to every lease's TTL: one election timeout. */
    private final long extendNanos;

    /** Guards every field below. Lock order: taken alone; nothing is called out while held. */
    private final ReentrantLock lock = new ReentrantLock();

    private final Map<Long, Lease> leases = new HashMap<>();

    /** Invariant: false ⇒ the schedule is empty and every lease expires {@link Lease#FOREVER}. */
    private boolean primary;

    private final ExpirySchedule schedule;

    /** An empty lessor that is not primary; {@link #recover} loads persisted leases. */
    public Lessor(LessorConfig config, InstantSource clock) {
        this.config = config;
        this.clock = clock;
        this.origin = clock.instant();
        this.extendNanos = config.electionTimeout().toNanos();
        this.schedule = new ExpirySchedule(leases, config, nowNanos());
    }

    /**
     * A lease ID for a grant that names none (ID 0), chosen before proposing as etcd does: the
     * next request ID, made positive, drawn again while it is 0. A collision with a granted lease
     * is refused at apply with {@link LeaseExistsException}, as in etcd.
     */
    public static long chooseId(LongSupplier requestIds) {
        for (int draw = 0; draw < ID_DRAWS_MAX; draw++) {
            long id = requestIds.getAsLong() & Long.MAX_VALUE;
            if (id != NO_LEASE) {
                return id;
            }
        }
        throw new IllegalStateException(
                "the request ID source gave no usable lease ID in " + ID_DRAWS_MAX + " draws");
    }

    /**
     * Applies a LeaseGrant (etcd's {@code Grant}): the TTL is raised to {@link
     * LessorConfig#minTtlSeconds()}; on the primary the lease starts expiring now. Writes the
     * lease's record through {@code putRecord}. Returns the granted TTL. Apply thread.
     *
     * @throws LeaseNotFoundException for ID 0
     * @throws LeaseTtlTooLargeException for a TTL above {@link #TTL_SECONDS_MAX}
     * @throws LeaseExistsException for an ID already granted
     */
    public long grant(long id, long ttlSeconds, BiConsumer<byte[], byte[]> putRecord) {
        if (id == NO_LEASE) {
            throw new LeaseNotFoundException(id);
        }
        if (ttlSeconds > TTL_SECONDS_MAX) {
            throw new LeaseTtlTooLargeException(ttlSeconds);
        }
        Lease lease = new Lease(id, Math.max(ttlSeconds, config.minTtlSeconds()), 0);
        byte[] record;
        lock.lock();
        try {
            if (leases.putIfAbsent(id, lease) != null) {
                throw new LeaseExistsException(id);
            }
            if (primary) {
                long now = nowNanos();
                schedule.startExpiry(lease, now, lease.ttlSeconds, 0);
                schedule.scheduleCheckpoint(lease, now);
            }
            record = lease.toRecord().toByteArray();
        } finally {
            lock.unlock();
        }
        putRecord.accept(LeaseRecords.key(id), record);
        return lease.ttlSeconds;
    }

    /**
     * Applies a LeaseRevoke (etcd's {@code Revoke}) and deletes the lease's record through {@code
     * deleteRecord}; the server deletes its keys with {@code batch.revokeLease(id)} in the same
     * batch, all at one revision. Renewals waiting on the expired lease then learn it is gone
     * (before the batch commits: a reader may still see the keys until it does). Apply thread.
     *
     * @throws LeaseNotFoundException when no such lease is granted (nothing is written)
     */
    public void revoke(long id, Consumer<byte[]> deleteRecord) {
        CompletableFuture<Void> waiters;
        lock.lock();
        try {
            Lease lease = leases.remove(id);
            if (lease == null) {
                throw new LeaseNotFoundException(id);
            }
            waiters = lease.revokeWaiters;
        } finally {
            lock.unlock();
        }
        deleteRecord.accept(LeaseRecords.key(id));
        if (waiters != null) {
            waiters.complete(null);
        }
    }

    /**
     * Applies a checkpoint batch (etcd's {@code Checkpoint}) on every member: each named lease
     * that still exists records its remaining TTL, persisted through {@code putRecord}, which a
     * later leader starts it from. 0 clears the checkpoint. Unknown leases are skipped, as in etcd.
     * Apply thread.
     */
    public void checkpoint(LeaseCheckpointRequest request, BiConsumer<byte[], byte[]> putRecord) {
        List<LeaseRecord> records = new ArrayList<>(request.getCheckpointsCount());
        lock.lock();
        try {
            for (LeaseCheckpoint checkpoint : request.getCheckpointsList()) {
                Invariants.check(
                        checkpoint.getRemainingTtlSeconds() >= 0,
                        "checkpoint of lease %x with remaining TTL %d",
                        checkpoint.getId(),
                        checkpoint.getRemainingTtlSeconds());
                Lease lease = leases.get(checkpoint.getId());
                if (lease != null) {
                    lease.remainingTtlSeconds = checkpoint.getRemainingTtlSeconds();
                    records.add(lease.toRecord());
                }
            }
        } finally {
            lock.unlock();
        }
        for (LeaseRecord record : records) {
            putRecord.accept(LeaseRecords.key(record.getId()), record.toByteArray());
        }
    }

    /**
     * Renews a lease on the leader (etcd's {@code Renew}, for LeaseKeepAlive): it expires a full
     * TTL from now. Renewals do not go through Raft, except the checkpoint reset the result may
     * carry. gRPC threads.
     *
     * @throws NotPrimaryException when this member is not the leader: forward to the leader
     * @throws LeaseNotFoundException when no such lease is granted (KeepAlive answers TTL 0)
     * @throws LeaseExpiredException when the lease has expired and awaits its revoke
     */
    public Renewal renew(long id) {
        lock.lock();
        try {
            Lease lease = primaryLeaseLocked(id);
            long now = nowNanos();
            if (lease.isExpired(now)) {
                if (lease.revokeWaiters == null) {
                    lease.revokeWaiters = new CompletableFuture<>();
                }
                throw new LeaseExpiredException(id, lease.revokeWaiters.copy());
            }
            schedule.startExpiry(lease, now, lease.ttlSeconds, 0);
            Optional<LeaseCheckpointRequest> reset = Optional.empty();
            if (lease.remainingTtlSeconds > 0) {
                reset = Optional.of(checkpointRequest(id, 0));
            }
            return new Renewal(lease.ttlSeconds, reset);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The lease's granted and remaining TTL as the leader sees them now (etcd's LeaseTimeToLive on
     * the leader). gRPC threads.
     *
     * @throws NotPrimaryException when this member is not the leader: ask the leader
     * @throws LeaseNotFoundException when no such lease is granted (TimeToLive answers TTL -1)
     */
    public LeaseStatus timeToLive(long id) {
        lock.lock();
        try {
            Lease lease = primaryLeaseLocked(id);
            long remainingNanos = Math.max(0, lease.expiryNanos - nowNanos());
            return new LeaseStatus(
                    id, lease.ttlSeconds, remainingNanos / ExpirySchedule.NANOS_PER_SECOND);
        } finally {
            lock.unlock();
        }
    }

    /** Whether lease {@code id} is granted (etcd's {@code Lookup} ≠ nil). Any thread. */
    public boolean exists(long id) {
        lock.lock();
        try {
            return leases.containsKey(id);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Every granted lease ID, in etcd's LeaseLeases order: on the primary, soonest expiry first
     * (etcd's {@code leasesByExpiry}), ties by ID; elsewhere every lease lives forever, so by ID
     * (etcd's order there is its map's, which is random). Any thread; O(n log n).
     */
    public long[] leases() {
        long[] ids;
        boolean byExpiry;
        lock.lock();
        try {
            Lease[] all = leases.values().toArray(new Lease[0]);
            byExpiry = primary;
            if (byExpiry) {
                // Under the lock: renewals move expiries, and a sort needs a fixed order.
                Arrays.sort(all, BY_EXPIRY);
            }
            ids = new long[all.length];
            for (int i = 0; i < all.length; i++) {
                ids[i] = all[i].id;
            }
        } finally {
            lock.unlock();
        }
        if (!byExpiry) {
            Arrays.sort(ids);
        }
        return ids;
    }

    /** Whether this lessor is primary: promoted and not demoted since. Any thread. */
    public boolean isPrimary() {
        lock.lock();
        try {
            return primary;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes this lessor primary (etcd's {@code Promote(electionTimeout)}): every lease expires its
     * last checkpointed remaining TTL (else its full TTL) plus one election timeout from now, and
     * long leases are scheduled for checkpoints. Called again while primary (leadership regained
     * between two observations), it starts over. Apply thread; O(n).
     */
    public void promote() {
        List<CompletableFuture<Void>> waiters;
        lock.lock();
        try {
            waiters = schedule.clear();
            primary = true;
            long now = nowNanos();
            for (Lease lease : leases.values()) {
                schedule.startExpiry(lease, now, lease.promotedTtlSeconds(), extendNanos);
                schedule.scheduleCheckpoint(lease, now);
            }
            verifyLocked();
        } finally {
            lock.unlock();
        }
        failWaiters(waiters);
    }

    /**
     * Stops expiry (etcd's {@code Demote}): leases live forever here until a leader revokes them;
     * renewals waiting on expired leases fail with {@link NotPrimaryException}. Call it as soon as
     * this member is no longer leader, and at stop. Any thread; O(n).
     */
    public void demote() {
        List<CompletableFuture<Void>> waiters;
        lock.lock();
        try {
            waiters = schedule.clear();
            primary = false;
            verifyLocked();
        } finally {
            lock.unlock();
        }
        failWaiters(waiters);
    }

    /**
     * Hands out leases that have expired on the leader, earliest expiry first (etcd's {@code
     * findExpiredLeases}): at most {@link LessorConfig#revokeBatchMax()} per call and {@link
     * LessorConfig#revokeRatePerSecond()} per second. The server re-confirms it is still leader
     * and proposes a LeaseRevoke for each. A lease whose revoke is not applied within {@link
     * LessorConfig#expiredRetryInterval()} is handed out again. Empty when not primary. The reaper.
     */
    public long[] expiredLeases() {
        lock.lock();
        try {
            return primary ? schedule.pollExpired(nowNanos()) : NO_LEASES;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next batch of due checkpoints to propose through Raft (etcd's {@code
     * findDueScheduledCheckpoints}): the remaining TTL, rounded up, of each lease with a TTL
     * longer than {@link LessorConfig#checkpointInterval()} that is neither expired nor renewed
     * within the last second; each such lease is checkpointed once per interval. At most {@link
     * LessorConfig#checkpointBatchMax()} per batch and {@link
     * LessorConfig#checkpointRatePerSecond()} per second. Empty when not primary. The reaper.
     */
    public Optional<LeaseCheckpointRequest> dueCheckpoints() {
        lock.lock();
        try {
            return primary ? schedule.pollCheckpoints(nowNanos()) : Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces every lease with the persisted ones (etcd's {@code Recover}): {@code records} are
     * what {@code ReadView.records(LeaseRecords.PREFIX)} returns. Each keeps its last checkpoint;
     * a TTL below today's minimum is raised to it, as in etcd. Only while not primary: at open,
     * and after installing a snapshot (which only followers do). Apply thread; O(n).
     *
     * @throws IllegalStateException when a record is corrupt: a storage fault, the member must stop
     */
    public void recover(Map<ByteString, ByteString> records) {
        lock.lock();
        try {
            Invariants.check(!primary, "recovering leases into a primary lessor");
            leases.clear();
            for (Map.Entry<ByteString, ByteString> entry : records.entrySet()) {
                LeaseRecord record = LeaseRecords.decode(entry.getKey(), entry.getValue());
                long ttlSeconds = Math.max(record.getTtlSeconds(), config.minTtlSeconds());
                Lease lease =
                        new Lease(record.getId(), ttlSeconds, record.getRemainingTtlSeconds());
                Invariants.check(
                        leases.put(lease.id, lease) == null, "lease %x stored twice", lease.id);
            }
            verifyLocked();
        } finally {
            lock.unlock();
        }
    }

    private Lease primaryLeaseLocked(long id) {
        if (!primary) {
            throw new NotPrimaryException();
        }
        Lease lease = leases.get(id);
        if (lease == null) {
            throw new LeaseNotFoundException(id);
        }
        return lease;
    }

    private static void failWaiters(List<CompletableFuture<Void>> waiters) {
        for (CompletableFuture<Void> waiter : waiters) {
            waiter.completeExceptionally(new NotPrimaryException());
        }
    }

    private void verifyLocked() {
        if (Verify.enabled()) {
            schedule.verify(primary);
        }
    }

    private long nowNanos() {
        Instant now = clock.instant();
        return (now.getEpochSecond() - origin.getEpochSecond()) * ExpirySchedule.NANOS_PER_SECOND
                + (now.getNano() - origin.getNano());
    }

    private static LeaseCheckpointRequest checkpointRequest(long id, long remainingTtlSeconds) {
        return LeaseCheckpointRequest.newBuilder()
                .addCheckpoints(ExpirySchedule.checkpoint(id, remainingTtlSeconds))
                .build();
    }
}
