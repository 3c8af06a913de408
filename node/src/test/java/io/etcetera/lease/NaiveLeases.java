package io.etcetera.lease;

import io.etcetera.lease.pb.LeaseRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deliberately naive model of a cluster's leases, as the property test's oracle: a sorted map of
 * leases, each with the replicated TTL and checkpoint and, while some member leads, the leader's
 * expiry and the times it should next hand the lease out and checkpoint it. Every question is
 * answered by scanning all leases. Test thread only.
 */
final class NaiveLeases {

    private static final long SECOND_NANOS = 1_000_000_000L;

    /** One lease; times in nanoseconds of the test's clock. */
    static final class Entry {
        final long id;
        final long ttlSeconds;
        long remainingTtlSeconds;
        long expiryNanos;
        long handOutNanos;
        long checkpointDueNanos;
        boolean checkpointed;

        Entry(long id, long ttlSeconds) {
            this.id = id;
            this.ttlSeconds = ttlSeconds;
        }
    }

    private final TreeMap<Long, Entry> leases = new TreeMap<>();
    private final LessorConfig config;
    private boolean led;

    NaiveLeases(LessorConfig config) {
        this.config = config;
    }

    Map<Long, Entry> leases() {
        return leases;
    }

    /** The leader's LeaseLeases order: soonest expiry first, ties by ID. */
    long[] idsByExpiry() {
        return leases.values().stream()
                .sorted(Comparator.<Entry>comparingLong(entry -> entry.expiryNanos)
                        .thenComparingLong(entry -> entry.id))
                .mapToLong(entry -> entry.id).toArray();
    }

    boolean isLed() {
        return led;
    }

    /** The refusal a grant must meet, or null. */
    Class<? extends LeaseException> grantRefusal(long id, long ttlSeconds) {
        if (id == Lessor.NO_LEASE) {
            return LeaseNotFoundException.class;
        }
        if (ttlSeconds > Lessor.TTL_SECONDS_MAX) {
            return LeaseTtlTooLargeException.class;
        }
        return leases.containsKey(id) ? LeaseExistsException.class : null;
    }

    long grant(long id, long ttlSeconds, long now) {
        Entry entry = new Entry(id, Math.max(ttlSeconds, config.minTtlSeconds()));
        leases.put(id, entry);
        if (led) {
            start(entry, now, entry.ttlSeconds, 0);
        }
        return entry.ttlSeconds;
    }

    void revoke(long id) {
        leases.remove(id);
    }

    void checkpoint(long id, long remainingTtlSeconds) {
        Entry entry = leases.get(id);
        if (entry != null) {
            entry.remainingTtlSeconds = remainingTtlSeconds;
        }
    }

    /** The refusal a renewal at the leader ({@code atLeader}) must meet, or null. */
    Class<? extends LeaseException> renewRefusal(long id, boolean atLeader, long now) {
        if (!atLeader) {
            return NotPrimaryException.class;
        }
        Entry entry = leases.get(id);
        if (entry == null) {
            return LeaseNotFoundException.class;
        }
        return entry.expiryNanos <= now ? LeaseExpiredException.class : null;
    }

    void renew(long id, long now) {
        Entry entry = leases.get(id);
        entry.expiryNanos = now + entry.ttlSeconds * SECOND_NANOS;
        entry.handOutNanos = entry.expiryNanos;
    }

    long remainingSeconds(long id, long now) {
        return Math.max(0, leases.get(id).expiryNanos - now) / SECOND_NANOS;
    }

    void promote(long now) {
        led = true;
        long extendNanos = config.electionTimeout().toNanos();
        for (Entry entry : leases.values()) {
            long from =
                    entry.remainingTtlSeconds > 0 ? entry.remainingTtlSeconds : entry.ttlSeconds;
            start(entry, now, from, extendNanos);
        }
    }

    void demote() {
        led = false;
    }

    /** Leases the leader should hand out now, in the order it should: by hand-out time, then ID. */
    List<Entry> handOutOrder(long now) {
        List<Entry> due = new ArrayList<>();
        for (Entry entry : leases.values()) {
            if (entry.handOutNanos <= now) {
                due.add(entry);
            }
        }
        due.sort(
                Comparator.<Entry>comparingLong(entry -> entry.handOutNanos)
                        .thenComparingLong(entry -> entry.id));
        return due;
    }

    void handedOut(long id, long now) {
        leases.get(id).handOutNanos = now + config.expiredRetryInterval().toNanos();
    }

    /**
     * The checkpoints due now, all of them (for limits that never bind), by ID; every due lease is
     * scheduled again an interval later.
     */
    Map<Long, Long> takeDueCheckpoints(long now) {
        Map<Long, Long> due = new TreeMap<>();
        for (Entry entry : leases.values()) {
            if (!entry.checkpointed || entry.checkpointDueNanos > now) {
                continue;
            }
            entry.checkpointDueNanos = now + config.checkpointInterval().toNanos();
            if (entry.expiryNanos <= now) {
                continue;
            }
            long remaining = (entry.expiryNanos - now + SECOND_NANOS - 1) / SECOND_NANOS;
            if (remaining < entry.ttlSeconds) {
                due.put(entry.id, remaining);
            }
        }
        return due;
    }

    /** The records every member must hold. */
    Map<Long, LeaseRecord> records() {
        Map<Long, LeaseRecord> records = new TreeMap<>();
        for (Entry entry : leases.values()) {
            records.put(
                    entry.id,
                    LeaseRecord.newBuilder()
                            .setId(entry.id)
                            .setTtlSeconds(entry.ttlSeconds)
                            .setRemainingTtlSeconds(entry.remainingTtlSeconds)
                            .build());
        }
        return records;
    }

    private void start(Entry entry, long now, long ttlSeconds, long extraNanos) {
        entry.expiryNanos = now + ttlSeconds * SECOND_NANOS + extraNanos;
        entry.handOutNanos = entry.expiryNanos;
        entry.checkpointed =
                entry.ttlSeconds * SECOND_NANOS > config.checkpointInterval().toNanos();
        entry.checkpointDueNanos = now + config.checkpointInterval().toNanos();
    }
}
