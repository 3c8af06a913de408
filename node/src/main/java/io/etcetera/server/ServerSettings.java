package io.etcetera.server;

import io.etcetera.config.AutoCompaction;
import io.etcetera.config.EtcdConfig;
import io.etcetera.invariants.Invariants;
import io.etcetera.mvcc.BackendQuota;
import io.etcetera.wal.WalConfig;

/**
 * The settings the server runs with: derived from etcd's flags ({@link #of}), plus the internal
 * sizes etcd hard-codes, which tests may shrink (WAL segments, catch-up entries).
 *
 * <p>Invariants: every count and duration is positive. Immutable.
 *
 * @param tickMillis one Raft tick: {@code --heartbeat-interval}
 * @param electionTicks {@code --election-timeout} in ticks
 * @param snapshotCount applied entries between two snapshots ({@code --snapshot-count})
 * @param catchUpEntries entries kept in memory below a snapshot for slow followers ({@code
 *     --experimental-snapshot-catchup-entries}, etcd: 5000)
 * @param quotaBackendBytes {@code --quota-backend-bytes} as {@link BackendQuota} takes it
 * @param maxRequestBytes {@code --max-request-bytes}: the largest encoded request proposed
 * @param walSegmentBytes preallocated WAL segment size (etcd: 64 MiB)
 * @param maxWals WAL segments kept once released ({@code --max-wals}; 0: all)
 * @param maxSnapshots snapshot files kept ({@code --max-snapshots}; 0: all)
 * @param autoCompaction {@code --auto-compaction-mode} and {@code -retention}
 */
public record ServerSettings(
        long tickMillis,
        int electionTicks,
        long snapshotCount,
        long catchUpEntries,
        long quotaBackendBytes,
        long maxRequestBytes,
        long walSegmentBytes,
        int maxWals,
        int maxSnapshots,
        AutoCompaction autoCompaction) {

    public ServerSettings {
        Invariants.check(tickMillis > 0, "tickMillis(%d) <= 0", tickMillis);
        Invariants.check(electionTicks > 1, "electionTicks(%d) <= 1", electionTicks);
        Invariants.check(snapshotCount > 0, "snapshotCount(%d) <= 0", snapshotCount);
        Invariants.check(catchUpEntries > 0, "catchUpEntries(%d) <= 0", catchUpEntries);
        Invariants.check(maxRequestBytes > 0, "maxRequestBytes(%d) <= 0", maxRequestBytes);
    }

    /** The settings etcd would run with for {@code config}. */
    public static ServerSettings of(EtcdConfig config) {
        long quota = config.storage().quotaBackendBytes();
        return new ServerSettings(
                config.raftTiming().heartbeatIntervalMillis(),
                config.raftTiming().electionTicks(),
                config.storage().snapshotCount(),
                config.storage().snapshotCatchUpEntries(),
                quota == Long.MAX_VALUE ? -1 : quota,
                config.clientLimits().maxRequestBytes(),
                WalConfig.SEGMENT_BYTES_DEFAULT,
                (int) Math.min(Integer.MAX_VALUE, config.storage().maxWals()),
                (int) Math.min(Integer.MAX_VALUE, config.storage().maxSnapshots()),
                config.storage().autoCompaction());
    }

    /** A copy with other snapshot and WAL sizes: tests that cross snapshots and WAL releases. */
    public ServerSettings withLogSizes(long snapshotEvery, long catchUp, long segmentBytes) {
        return new ServerSettings(tickMillis, electionTicks, snapshotEvery, catchUp,
                quotaBackendBytes, maxRequestBytes, segmentBytes, maxWals, maxSnapshots,
                autoCompaction);
    }

    /**
     * etcd's {@code ReqTimeout}: 5 s for queueing, computation and disk, plus two election
     * timeouts for a possible election.
     */
    public long requestTimeoutMillis() {
        return 5000 + 2 * electionTimeoutMillis();
    }

    public long electionTimeoutMillis() {
        return electionTicks * tickMillis;
    }
}
