package io.etcetera.config;

/**
 * How much a member keeps on disk and when it cleans up.
 *
 * <p>Invariants: {@code snapshotCount > 0}; {@code quotaBackendBytes > 0}. Immutable.
 *
 * @param snapshotCount {@code --snapshot-count}: applied entries between two snapshots (etcd turns
 *     0 into its default, 100000)
 * @param quotaBackendBytes {@code --quota-backend-bytes}: the backend size that raises the NOSPACE
 *     alarm; etcd's default (flag 0) is 2 GiB, and a negative flag means no quota, here {@link
 *     Long#MAX_VALUE}
 * @param maxSnapshots {@code --max-snapshots}: snapshot files kept (0: all)
 * @param maxWals {@code --max-wals}: WAL files kept (0: all)
 * @param autoCompaction {@code --auto-compaction-mode} and {@code -retention}
 * @param compactionBatchRevisionsMax {@code --experimental-compaction-batch-limit}: revisions
 *     deleted per compaction batch
 * @param snapshotCatchUpEntries {@code --experimental-snapshot-catchup-entries} (etcd 3.5): Raft
 *     entries kept below a snapshot, so a slow follower catches up without a snapshot
 */
public record StorageConfig(
        long snapshotCount,
        long quotaBackendBytes,
        long maxSnapshots,
        long maxWals,
        AutoCompaction autoCompaction,
        long compactionBatchRevisionsMax,
        long snapshotCatchUpEntries) {

    /** etcd's {@code DefaultQuotaBytes}. */
    public static final long DEFAULT_QUOTA_BACKEND_BYTES = 2L * 1024 * 1024 * 1024;

    /** etcd's {@code DefaultSnapshotCount}. */
    public static final long DEFAULT_SNAPSHOT_COUNT = 100_000;
}
