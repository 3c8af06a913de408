/**
 * The multi-version key-value store: etcd 3.4's mvcc semantics (revisions, versions, tombstones,
 * Range, Put, DeleteRange, Txn, Compact, HashKV, watch events) on the RocksDB {@code backend},
 * without an in-memory index of the keys.
 *
 * <p>Imports {@code backend} and the leaves. Requests and responses are etcd's own protobuf types
 * ({@code io.etcd.jetcd.api}); refusals are {@link io.etcetera.mvcc.MvccException}s, which the api
 * turns into etcd's gRPC errors.
 *
 * <p>Threads: the apply thread owns {@link io.etcetera.mvcc.ApplyBatch} (one group commit at a
 * time); any thread reads through a {@link io.etcetera.mvcc.ReadView}; the compactor thread calls
 * {@link io.etcetera.mvcc.MvccStore#compactStep}. See {@link io.etcetera.mvcc.MvccStore}.
 */
package io.etcetera.mvcc;
