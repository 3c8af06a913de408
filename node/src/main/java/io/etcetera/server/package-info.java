/**
 * The member itself, modelled on etcd's {@code EtcdServer.run} and {@code raftNode.start}: the raft
 * loop, the server loop and the FIFO apply scheduler, and the requests that wait for their entries.
 *
 * <p>Imports {@code raft}, {@code wal}, {@code mvcc}, {@code backend} (offline restore only) and
 * the leaves; {@code lease}, {@code auth} and {@code transport} plug in later. The api reaches the
 * member only through its facade: {@link io.etcetera.server.Member} (lifecycle, identity, Raft
 * status), {@link io.etcetera.server.RaftKv}, {@link io.etcetera.server.Maintenance} and {@link
 * io.etcetera.server.Cluster}, whose methods never block and return futures; failures are {@link
 * io.etcetera.server.RequestFailedException}s, which the api words as etcd does.
 *
 * <h2>Threads</h2>
 *
 * <pre>
 *  gRPC I/O threads ──propose / read index──> [raft inbox] ──> raft-loop ──(WAL fsync)──┐
 *        ^                                                                               │
 *        │ answers                               committed entries                        v
 *        └──────── apply <──[FIFO]── server-loop <──[apply queue]─────────────────────────┘
 *                    │ snapshot request (store flushed) ──> [raft inbox]
 *                    └ compaction applied ──> compactor ──(compaction proposals, leader only)
 * </pre>
 *
 * <ul>
 *   <li>{@code raft-loop} ({@link io.etcetera.server.RaftLoop}) owns the RawNode, its
 *       MemoryStorage, the WAL and the snapshot files, and drains one bounded inbox;
 *   <li>{@code server-loop} ({@link io.etcetera.server.ServerLoop}) waits on apply batches,
 *       expired leases, fatal errors and stop, and sweeps deadlines every heartbeat;
 *   <li>{@code apply} ({@link io.etcetera.server.FifoScheduler} running the {@link
 *       io.etcetera.server.Applier}) writes each Ready's entries to the store in one batch;
 *   <li>{@code compactor}, {@code maintenance} and {@code wal-preallocate} do the slow work no
 *       serial thread may wait for.
 * </ul>
 *
 * Every queue between them is bounded; a full raft inbox refuses a request ({@code too many
 * requests}); the raft loop waits (with a timeout that watches for stop) when the server loop is
 * behind, and the server loop when the apply thread is.
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
