package io.etcetera.server;

import io.etcetera.config.Versions;
import io.etcetera.metrics.MeterGroup;
import io.etcetera.mvcc.BackendQuota;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.watch.WatchableStore;
import io.etcetera.server.pb.MemberRecord;
import io.micrometer.core.instrument.Tags;

/**
 * The gauges of one running member under etcd's names: leadership, Raft progress, proposals in
 * flight, identity and version, quota, and the store's size and revisions. Each reads the member's
 * own volatile state when {@code /metrics} is scraped, so the member does nothing per request for
 * them. Registered when the member is built, removed when it stops. Stateless.
 */
final class MemberMetrics {

    private MemberMetrics() {}

    static MeterGroup register(long memberId, ReadyHandler raft, AppliedIndex applied,
            WaitRegistry waits, Membership membership, MvccStore store, BackendQuota quota) {
        Tags none = Tags.empty();
        MeterGroup group = new MeterGroup()
                .gauge("etcd_server_has_leader", "1 if this member knows a leader, else 0.",
                        none, raft, r -> r.leaderId() != 0 ? 1 : 0)
                .gauge("etcd_server_is_leader", "1 if this member is the leader, else 0.", none,
                        raft, r -> r.isLeader() ? 1 : 0)
                .counter("etcd_server_leader_changes_seen_total",
                        "Leader changes this member has seen.", none, raft,
                        ReadyHandler::leaderChanges)
                // etcd exports these two as gauges despite their names, and so do we.
                .gauge("etcd_server_proposals_committed_total",
                        "The Raft index committed, as this member knows it.", none, raft,
                        ReadyHandler::committedIndex)
                .gauge("etcd_server_proposals_applied_total", "The Raft index applied.", none,
                        applied, AppliedIndex::index)
                .gauge("etcd_server_proposals_pending", "Proposals waiting to be applied.", none,
                        waits, WaitRegistry::size)
                .gauge("etcd_server_is_learner", "1 if this member is a learner, else 0.", none,
                        membership, m -> isLearner(m, memberId) ? 1 : 0)
                .gauge("etcd_server_quota_backend_bytes", "The backend's quota in bytes.", none,
                        quota, BackendQuota::quotaBytes)
                .info("etcd_server_id", "1, with this member's ID in hexadecimal as the label.",
                        "server_id", Long.toHexString(memberId))
                .info("etcd_server_version", "1, with the etcd version served as the label.",
                        "server_version", Versions.ETCD_SERVER)
                .info("etcd_cluster_version", "1, with the cluster version as the label.",
                        "cluster_version", Versions.ETCD_CLUSTER.substring(0,
                                Versions.ETCD_CLUSTER.lastIndexOf('.')));
        registerStore(group, store);
        return group;
    }

    private static void registerStore(MeterGroup group, MvccStore store) {
        Tags none = Tags.empty();
        group.gauge("etcd_mvcc_db_total_size_in_bytes",
                        "Bytes the database takes on disk and in memory.", none, store,
                        MvccStore::dbSizeBytes)
                .gauge("etcd_debugging_mvcc_db_total_size_in_bytes",
                        "Bytes the database takes on disk and in memory.", none, store,
                        MvccStore::dbSizeBytes)
                .gauge("etcd_mvcc_db_total_size_in_use_in_bytes",
                        "Bytes of the database holding live data (estimated).", none, store,
                        MvccStore::dbSizeInUseBytes)
                .gauge("etcd_debugging_mvcc_keys_total",
                        "Key versions in the store (RocksDB's estimate; at least the keys).",
                        none, store, MvccStore::versionCountEstimate)
                .gauge("etcd_debugging_mvcc_current_revision", "The store's current revision.",
                        none, store, s -> s.state().revision())
                .gauge("etcd_debugging_mvcc_compact_revision",
                        "The revision of the last compaction.", none, store,
                        s -> s.state().compactRevision());
    }

    /** etcd's watcher gauges over {@code watchable}'s counts. */
    static void registerWatchers(MeterGroup group, WatchableStore watchable) {
        group.gauge("etcd_debugging_mvcc_watcher_total", "Watchers open.", Tags.empty(),
                        watchable, w -> w.counts().watchers())
                .gauge("etcd_debugging_mvcc_slow_watcher_total",
                        "Watchers behind: catching up from history or waiting for their stream.",
                        Tags.empty(), watchable, w -> w.counts().slow());
    }

    private static boolean isLearner(Membership membership, long memberId) {
        for (MemberRecord member : membership.members()) {
            if (member.getId() == memberId) {
                return member.getIsLearner();
            }
        }
        return false;
    }
}
