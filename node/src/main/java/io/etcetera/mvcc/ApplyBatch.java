package io.etcetera.mvcc;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcetera.backend.Cursor;
import io.etcetera.backend.Family;
import io.etcetera.backend.LeaseKey;
import io.etcetera.backend.MetaKey;
import io.etcetera.backend.RevisionRecord;
import io.etcetera.backend.RocksBackend;
import io.etcetera.backend.VersionKey;
import io.etcetera.backend.WriteSet;
import io.etcetera.invariants.Invariants;
import io.etcetera.metrics.MvccMetrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.Supplier;

/**
 * One group commit of committed Raft entries: the server applies each request (put, delete range,
 * txn, compaction, lease revoke) in log order, then {@link #commit} writes all their changes
 * together with the applied index and term in one atomic RocksDB write, and publishes the new state
 * to readers.
 *
 * <p>Each request that changes something takes the next revision, as in etcd; a request refused
 * with an {@link MvccException} changes nothing and the batch goes on. Later requests see earlier
 * ones: their changes sit in {@link PendingWrites} over RocksDB cursors taken when the batch began,
 * and readers see none of them until the commit.
 *
 * <p>Lifecycle: {@link MvccStore#beginBatch} → requests → {@link #commit} → {@link #close}. Any
 * exception other than an {@link MvccException} (a storage fault, a broken invariant) breaks the
 * batch: it can then only be closed, and the member must stop. Confined to the apply thread.
 */
public final class ApplyBatch implements AutoCloseable {

    private static final byte[] TOMBSTONE = new byte[0];
    private static final byte[] ATTACHED = new byte[0];

    private final MvccStore store;
    private final RocksBackend backend;
    private final StoreState start;
    private final LongPredicate leaseExists;
    private final WriteSet writes;
    private final PendingWrites pendingVersions = new PendingWrites();
    private final PendingWrites pendingLeases = new PendingWrites();
    private final Cursor baseVersions;
    /**
     * The lease family as stored, opened on first use: most batches never read it (only a lease
     * revoke does), and a RocksDB iterator costs an allocation and a native call per batch.
     */
    private Cursor baseLeases;
    private final List<Event> events = new ArrayList<>();
    private long revision;
    private long compactRevision;
    private boolean committed;
    private boolean broken;

    ApplyBatch(MvccStore store, RocksBackend backend, StoreState start, LongPredicate leaseExists) {
        this.store = store;
        this.backend = backend;
        this.start = start;
        this.leaseExists = leaseExists;
        this.revision = start.revision();
        this.compactRevision = start.compactRevision();
        this.writes = backend.newWriteSet();
        this.baseVersions = backend.cursor(Family.KEY);
    }

    /** The newest revision, counting the requests applied so far in this batch. */
    public long revision() {
        return revision;
    }

    /**
     * etcd's Put: lease not found, then key not found (for {@code ignore_*}), or a new revision.
     */
    public PutResponse put(PutRequest request) {
        return guarded(
                () -> {
                    if (request.getLease() != 0 && !leaseExists.test(request.getLease())) {
                        throw new LeaseNotFoundException(request.getLease());
                    }
                    WriteTxn txn = beginTxn();
                    txn.checkIgnoreFlags(request);
                    PutResponse response = txn.put(request);
                    endTxn(txn);
                    MvccMetrics.PUTS.increment();
                    return response;
                });
    }

    /** etcd's DeleteRange: all deleted keys share one revision; none deleted takes none. */
    public DeleteRangeResponse deleteRange(DeleteRangeRequest request) {
        return guarded(
                () -> {
                    WriteTxn txn = beginTxn();
                    DeleteRangeResponse response = txn.deleteRange(request);
                    endTxn(txn);
                    MvccMetrics.DELETES.increment();
                    return response;
                });
    }

    /** etcd's Txn; see {@link TxnRunner}. */
    public TxnResponse txn(TxnRequest request) {
        return guarded(
                () -> {
                    WriteTxn txn = beginTxn();
                    TxnResponse response = new TxnRunner(txn, leaseExists).run(request);
                    endTxn(txn);
                    return response;
                });
    }

    /**
     * etcd's Compact: from now on no read below {@code revision}. Takes no revision. Old versions
     * are removed later, in bounded steps ({@link MvccStore#compactStep}).
     */
    public CompactionResponse compact(CompactionRequest request) {
        return guarded(
                () -> {
                    long target = request.getRevision();
                    if (target <= compactRevision) {
                        throw new CompactedException(target, compactRevision);
                    }
                    if (target > revision) {
                        throw new FutureRevisionException(target, revision);
                    }
                    compactRevision = target;
                    return CompactionResponse.newBuilder()
                            .setHeader(ResponseHeader.newBuilder().setRevision(revision))
                            .build();
                });
    }

    /**
     * Deletes every key attached to {@code leaseId}, in key order, at one revision (etcd's lessor
     * Revoke). Returns the revision after it; the lease itself is the lessor's to forget.
     */
    public long revokeLease(long leaseId) {
        return guarded(
                () -> {
                    List<byte[]> keys = attachedKeys(leaseId);
                    WriteTxn txn = beginTxn();
                    for (byte[] userKey : keys) {
                        KeyValue kv = txn.reader().get(userKey, txn.readRevision());
                        Invariants.check(
                                kv != null && kv.getLease() == leaseId,
                                "key attached to lease %s has no live pair with that lease",
                                leaseId);
                        txn.delete(kv);
                    }
                    endTxn(txn);
                    return revision;
                });
    }

    /**
     * Stores another component's record (a lease, a member, a user) in this batch, so it becomes
     * durable exactly when the applied index that covers it does. Records are not versioned; the
     * server keeps each component under its own key prefix.
     */
    public void putRecord(byte[] key, byte[] value) {
        Invariants.check(!committed && !broken, "record on a committed or broken batch");
        writes.put(Family.RECORDS, key.clone(), value.clone());
    }

    /** Removes another component's record in this batch; see {@link #putRecord}. */
    public void deleteRecord(byte[] key) {
        Invariants.check(!committed && !broken, "record on a committed or broken batch");
        writes.delete(Family.RECORDS, key.clone());
    }

    /**
     * Writes every change of the batch, the applied index and term, atomically; then publishes the
     * new state to readers. Returns the batch's events in revision order (for the watch layer).
     */
    public List<Event> commit(long appliedIndex, long term) {
        Invariants.check(
                !committed && !broken,
                "commit of a batch that is committed(%s) or broken(%s)",
                committed,
                broken);
        Invariants.check(
                appliedIndex >= start.appliedIndex(),
                "applied index went back: %d < %d",
                appliedIndex,
                start.appliedIndex());
        Invariants.check(term >= start.term(), "term went back: %d < %d", term, start.term());
        StoreState next = new StoreState(appliedIndex, term, revision, compactRevision);
        writes.put(Family.META, MetaKey.CONSISTENT_INDEX.bytes(), MetaKey.encodeLong(appliedIndex));
        writes.put(Family.META, MetaKey.TERM.bytes(), MetaKey.encodeLong(term));
        writes.put(Family.META, MetaKey.CURRENT_REVISION.bytes(), MetaKey.encodeLong(revision));
        writes.put(
                Family.META, MetaKey.COMPACT_REVISION.bytes(), MetaKey.encodeLong(compactRevision));
        backend.write(writes);
        committed = true;
        store.publish(next);
        return List.copyOf(events);
    }

    /** Releases the batch; changes not committed are dropped. */
    @Override
    public void close() {
        baseVersions.close();
        if (baseLeases != null) {
            baseLeases.close();
        }
        writes.close();
        store.endBatch();
    }

    void writeVersion(byte[] userKey, long main, long sub, byte[] keyValue) {
        byte[] versionKey = VersionKey.encode(userKey, main, sub);
        pendingVersions.put(versionKey, keyValue);
        writes.put(Family.KEY, versionKey, keyValue);
        writes.put(
                Family.REVISION,
                RevisionRecord.key(main, sub),
                RevisionRecord.value(userKey, false));
    }

    void writeTombstone(byte[] userKey, long main, long sub) {
        byte[] versionKey = VersionKey.encode(userKey, main, sub);
        pendingVersions.put(versionKey, TOMBSTONE);
        writes.put(Family.KEY, versionKey, TOMBSTONE);
        writes.put(
                Family.REVISION,
                RevisionRecord.key(main, sub),
                RevisionRecord.value(userKey, true));
    }

    /** Moves {@code userKey} from lease {@code from} to lease {@code to} (0: none). */
    void moveLease(byte[] userKey, long from, long to) {
        if (from == to) {
            return;
        }
        if (from != 0) {
            byte[] key = LeaseKey.encode(from, userKey);
            pendingLeases.delete(key);
            writes.delete(Family.LEASE, key);
        }
        if (to != 0) {
            byte[] key = LeaseKey.encode(to, userKey);
            pendingLeases.put(key, ATTACHED);
            writes.put(Family.LEASE, key, ATTACHED);
        }
    }

    void addEvent(Event event) {
        events.add(event);
    }

    private List<byte[]> attachedKeys(long leaseId) {
        byte[] prefix = LeaseKey.prefix(leaseId);
        List<byte[]> keys = new ArrayList<>();
        if (baseLeases == null) {
            baseLeases = backend.cursor(Family.LEASE);
        }
        Cursor cursor = new OverlayCursor(pendingLeases, baseLeases);
        for (cursor.seek(prefix); cursor.isValid(); cursor.next()) {
            byte[] key = cursor.key();
            if (key.length < prefix.length
                    || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                break;
            }
            keys.add(LeaseKey.userKey(key));
        }
        return keys;
    }

    private WriteTxn beginTxn() {
        KvReader reader =
                new KvReader(
                        new VersionScan(new OverlayCursor(pendingVersions, baseVersions)),
                        compactRevision);
        return new WriteTxn(this, reader, revision);
    }

    private void endTxn(WriteTxn txn) {
        if (txn.changed()) {
            revision++;
        }
    }

    /** Runs one request; a fault other than a refusal breaks the batch. */
    private <T> T guarded(Supplier<T> request) {
        Invariants.check(
                !committed && !broken,
                "request on a batch that is committed(%s) or broken(%s)",
                committed,
                broken);
        int operationsBefore = writes.operationCount();
        try {
            return request.get();
        } catch (MvccException refused) {
            Invariants.check(
                    writes.operationCount() == operationsBefore,
                    "a refused request wrote %d operations",
                    writes.operationCount() - operationsBefore);
            throw refused;
        } catch (RuntimeException | Error fault) {
            broken = true;
            throw fault;
        }
    }
}
