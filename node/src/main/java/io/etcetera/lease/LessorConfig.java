package io.etcetera.lease;

import io.etcetera.invariants.Invariants;

import java.time.Duration;

/**
 * The lessor's settings: etcd's {@code LessorConfig} and the limits etcd keeps as package
 * variables in {@code server/lease/lessor.go}, with etcd's defaults.
 *
 * <p>Invariants: every duration and limit is positive. Immutable.
 *
 * @param heartbeatIntervalMillis {@code --heartbeat-interval}: one Raft tick
 * @param electionTicks the election timeout in ticks (etcd's {@code ElectionTicks})
 * @param checkpointInterval how often the leader records a lease's remaining TTL through Raft
 *     (etcd's {@code --experimental-lease-checkpoint-interval}, 5 minutes)
 * @param expiredRetryInterval how long after handing out an expired lease the leader hands it out
 *     again if its revoke has not been applied (etcd's {@code ExpiredLeasesRetryInterval}, 3 s)
 * @param revokeRatePerSecond expired leases handed out per second at most (etcd's {@code
 *     leaseRevokeRate}, 1000)
 * @param revokeBatchMax expired leases handed out per call at most, and the burst of the rate
 *     (etcd hands out {@code leaseRevokeRate / 2} every 500 ms)
 * @param checkpointRatePerSecond lease checkpoints produced per second at most
 * @param checkpointBatchMax checkpoints in one Raft entry at most, and the burst of the rate
 *     (etcd's {@code maxLeaseCheckpointBatchSize}, 1000)
 */
public record LessorConfig(
        long heartbeatIntervalMillis,
        int electionTicks,
        Duration checkpointInterval,
        Duration expiredRetryInterval,
        int revokeRatePerSecond,
        int revokeBatchMax,
        int checkpointRatePerSecond,
        int checkpointBatchMax) {

    public static final Duration CHECKPOINT_INTERVAL_DEFAULT = Duration.ofMinutes(5);
    public static final Duration EXPIRED_RETRY_INTERVAL_DEFAULT = Duration.ofSeconds(3);
    public static final int REVOKE_RATE_PER_SECOND_DEFAULT = 1000;
    public static final int REVOKE_BATCH_MAX_DEFAULT = REVOKE_RATE_PER_SECOND_DEFAULT / 2;

    /**
     * etcd's {@code leaseCheckpointRate} bounds batches, not checkpoints; ten thousand checkpoints
     * a second (about 200 KB/s of Raft log) lets a million long leases be checkpointed every five
     * minutes.
     */
    public static final int CHECKPOINT_RATE_PER_SECOND_DEFAULT = 10_000;

    public static final int CHECKPOINT_BATCH_MAX_DEFAULT = 1000;

    private static final long MILLIS_PER_SECOND = 1000;

    public LessorConfig {
        Invariants.check(heartbeatIntervalMillis > 0, "heartbeat %d ms", heartbeatIntervalMillis);
        Invariants.check(electionTicks > 0, "election ticks %d", electionTicks);
        Invariants.check(
                positive(checkpointInterval) && positive(expiredRetryInterval),
                "checkpoint interval %s and expired retry interval %s must be positive",
                checkpointInterval,
                expiredRetryInterval);
        Invariants.check(
                revokeRatePerSecond > 0 && revokeBatchMax > 0,
                "revoke rate %d/s, batch max %d",
                revokeRatePerSecond,
                revokeBatchMax);
        Invariants.check(
                checkpointRatePerSecond > 0 && checkpointBatchMax > 0,
                "checkpoint rate %d/s, batch max %d",
                checkpointRatePerSecond,
                checkpointBatchMax);
    }

    /** etcd's defaults for a member with this Raft timing. */
    public static LessorConfig defaults(long heartbeatIntervalMillis, int electionTicks) {
        return new LessorConfig(
                heartbeatIntervalMillis,
                electionTicks,
                CHECKPOINT_INTERVAL_DEFAULT,
                EXPIRED_RETRY_INTERVAL_DEFAULT,
                REVOKE_RATE_PER_SECOND_DEFAULT,
                REVOKE_BATCH_MAX_DEFAULT,
                CHECKPOINT_RATE_PER_SECOND_DEFAULT,
                CHECKPOINT_BATCH_MAX_DEFAULT);
    }

    /** These settings with another {@link #checkpointInterval()}. */
    public LessorConfig withCheckpointInterval(Duration interval) {
        return new LessorConfig(
                heartbeatIntervalMillis,
                electionTicks,
                interval,
                expiredRetryInterval,
                revokeRatePerSecond,
                revokeBatchMax,
                checkpointRatePerSecond,
                checkpointBatchMax);
    }

    /**
     * The election timeout, {@code electionTicks × heartbeat} (etcd's {@code
     * Cfg.ElectionTimeout()}): what a new leader adds to every lease's TTL.
     */
    public Duration electionTimeout() {
        return Duration.ofMillis(electionTicks * heartbeatIntervalMillis);
    }

    /**
     * The shortest TTL a lease is granted: 1.5 election timeouts rounded up to seconds, counted
     * in whole ticks as etcd's {@code minTTL} is, so that a lease outlives a leader election.
     */
    public long minTtlSeconds() {
        long millis = (3L * electionTicks / 2) * heartbeatIntervalMillis;
        return (millis + MILLIS_PER_SECOND - 1) / MILLIS_PER_SECOND;
    }

    private static boolean positive(Duration duration) {
        return !duration.isNegative() && !duration.isZero();
    }
}
