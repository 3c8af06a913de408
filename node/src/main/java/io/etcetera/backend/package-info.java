/**
 * The RocksDB database under the multi-version store: column families, atomic multi-family write
 * batches, snapshots, flush and full compaction ({@link io.etcetera.backend.RocksBackend}), and the
 * byte layout of every key and value it stores.
 *
 * <p>Imports only the leaves. Used by {@code mvcc} from the apply thread (writes), gRPC threads
 * (reads through snapshots) and the compactor thread (deletes); RocksDB serialises the writes.
 *
 * <h2>On-disk format (schema version 1)</h2>
 *
 * One RocksDB database per member, in the member's data directory, with RocksDB's own write-ahead
 * log disabled and {@code atomic_flush} on (see {@link io.etcetera.backend.RocksBackend} for why
 * that is crash-safe). Integers are big-endian; {@code MAX} is {@code Long.MAX_VALUE}.
 *
 * <pre>
 * family "key"       every version of every user key, newest first within a key
 *   key   = escape(userKey) 0x00 0x01  BE64(MAX - main)  BE64(MAX - sub)
 *           (escape: each 0x00 byte of the user key is written 0x00 0xFF)
 *   value = mvccpb.KeyValue as etcd marshals it (key, create/mod revision, version, value,
 *           lease) for a put; empty for a tombstone (the key was deleted at this revision)
 *
 * family "revision"  one entry per change, in revision order
 *   key   = BE64(main) BE64(sub)
 *   value = 0x00 userKey (put) | 0x01 userKey (tombstone)
 *
 * family "lease"     which keys are attached to which lease
 *   key   = BE64(leaseId) userKey
 *   value = empty
 *
 * family "records"   other components' records (leases, membership, auth), opaque here
 *   key   = the component's prefix, then its own key
 *   value = the component's bytes
 *
 * family "default"   metadata; every value is BE64 unless said otherwise
 *   "schema_version"     1
 *   "consistent_index"   Raft index of the last applied entry, written with its changes
 *   "term"               Raft term of that entry
 *   "current_revision"   newest revision (1 in an empty store)
 *   "compact_revision"   last compaction's revision (-1: never compacted)
 *   "compact_cursor"     BE64(main) BE64(sub): the next change physical compaction examines
 * </pre>
 *
 * A revision is etcd's (main, sub): main counts write transactions from 2 on, sub counts the
 * changes inside one. Every entry of "key" has exactly one entry of "revision" with the same
 * revision, and the other way round, until physical compaction deletes both together.
 */
package io.etcetera.backend;
