/**
 * The member itself, modelled on etcd's {@code EtcdServer.run} and {@code raftNode.start}: the raft
 * loop, the server loop and the FIFO apply scheduler, and the requests that wait for their entries.
 *
 * <p>Imports {@code raft}, {@code wal}, {@code mvcc} (and its {@code watch} layer), {@code lease},
 * {@code backend} (offline restore only), {@code transport} and the leaves; {@code auth} plugs in
 * later. The api reaches the member only through its facade: {@link io.etcetera.server.Member}
 * (lifecycle, identity, Raft status), {@link io.etcetera.server.RaftKv}, {@link
 * io.etcetera.server.Leases}, {@link io.etcetera.server.Watches}, {@link
 * io.etcetera.server.Maintenance} and {@link io.etcetera.server.Cluster}, whose methods never block
 * and return futures; failures are {@link io.etcetera.server.RequestFailedException}s, which the
 * api words as etcd does.
 *
 * <h2>Leases and watches</h2>
 *
 * LeaseGrant, LeaseRevoke and LeaseCheckpoint are Raft requests; the apply thread applies them to
 * the lessor and the store in the entry's batch ({@link io.etcetera.server.LeaseApplier}), and
 * promotes the lessor when it applies the first entry of a term this member leads. The server
 * loop runs the {@link io.etcetera.server.LeaseReaper}, which on the leader proposes due
 * checkpoints and, after a read round confirms the leadership, revokes of expired leases. After
 * each commit the apply thread hands the batch's events to the watchable store, whose {@code
 * watch-sync} thread catches slow and new watchers up.
 *
 * <h2>Threads</h2>
 *
 * <pre>
 *  gRPC I/O threads ──propose / read index──> [raft inbox] ──> raft-loop ──(WAL fsync)──┐
 *        ^                                                                               │
 *        │ answers                               committed entries                        v
 *        └──────── apply <──[FIFO]── server-loop <──[apply queue]─────────────────────────┘
 *                    │ snapshot request (store flushed) ──> [raft inbox]
 *                    ├ events ──> watchable store ──> watch streams (watch-sync catches up)
 *                    └ compaction applied ──> compactor ──(compaction proposals, leader only)
 * </pre>
 *
 * <ul>
 *   <li>{@code raft-loop} ({@link io.etcetera.server.RaftLoop}) owns the RawNode, its
 *       MemoryStorage, the WAL and the snapshot files, and drains one bounded inbox;
 *   <li>{@code server-loop} ({@link io.etcetera.server.ServerLoop}) waits on apply batches,
 *       fatal errors and stop, and every heartbeat sweeps deadlines and runs the lease reaper;
 *   <li>{@code apply} ({@link io.etcetera.server.FifoScheduler} running the {@link
 *       io.etcetera.server.Applier}) writes each Ready's entries to the store in one batch;
 *   <li>{@code compactor}, {@code watch-sync}, {@code maintenance} and {@code wal-preallocate} do
 *       the slow work no serial thread may wait for.
 * </ul>
 *
 * Every queue between them is bounded; a full raft inbox refuses a request ({@code too many
 * requests}); the raft loop waits (with a timeout that watches for stop) when the server loop is
 * behind, and the server loop when the apply thread is.
 *
 * <h2>Clusters</h2>
 *
 * The peer transport is joined to the raft loop by {@link io.etcetera.server.PeerLink}: the raft
 * loop's messages go out through it (the leader before its fsync, followers after), what arrives
 * is stepped through the inbox, unreachable peers and snapshot outcomes are reported to Raft, and
 * the transport's peers follow the applied membership. A MsgSnap leaves from the apply thread
 * with a checkpoint of the store ({@link io.etcetera.server.MergedSnapshots}); a follower
 * replaces its store by the received one ({@link io.etcetera.server.SnapshotInstall}) and goes on
 * from its index. Followers forward proposals and read-index requests to the leader inside Raft
 * (MsgProp, MsgReadIndex), and lease renewals and TimeToLive, which Raft does not carry, over the
 * peer port ({@link io.etcetera.server.LeaderRoute}, {@link io.etcetera.server.LeasePeerService}). A new cluster's IDs derive from {@code --initial-cluster} and its token
 * ({@link io.etcetera.server.MemberIds}); a member joins a running one by asking a peer's {@code
 * ClusterPeer} service ({@link io.etcetera.server.ClusterPeerService}) for the cluster's ID and
 * members. Membership changes are {@link io.etcetera.server.Reconfiguration}'s; a member that
 * applies its own removal, or that a peer refuses as removed, stops.
 *
 * <h2>On disk</h2>
 *
 * The data dir is laid out as etcd's ({@link io.etcetera.server.DataDir}): {@code member/wal}
 * (format in {@code io.etcetera.wal}), {@code member/snap/*.snap} (Raft snapshots, whose data is
 * empty: the store itself is the state machine's snapshot, made durable by a flush before each
 * Raft snapshot), {@code member/snap/db} (the RocksDB store, format in {@code io.etcetera.backend}).
 * The server's own records in the store's records family are listed in {@link
 * io.etcetera.server.RecordKeys}; the entries it writes to Raft are {@code server.proto}'s {@code
 * RaftRequest}. Client snapshots are archives of a store checkpoint ({@link
 * io.etcetera.server.SnapshotArchive}), restored offline by {@link
 * io.etcetera.server.SnapshotRestore}.
 */
package io.etcetera.server;
