package io.etcetera.mvcc;

import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcetera.backend.BackendConfig;
import io.etcetera.backend.BackendException;
import io.etcetera.backend.Cursor;
import io.etcetera.backend.Family;
import io.etcetera.backend.MetaKey;
import io.etcetera.backend.RevisionRecord;
import io.etcetera.backend.RocksBackend;
import io.etcetera.backend.WriteSet;
import io.etcetera.invariants.Invariants;
import io.etcetera.invariants.Verify;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongPredicate;

/**
 * A member's multi-version key-value store on RocksDB: etcd's mvcc store, with the Raft applied
 * index written in the same atomic batch as the changes it covers.
 *
 * <p>Who calls what:
 *
 * <ul>
 *   <li>the apply thread: {@link #beginBatch} → requests → {@link ApplyBatch#commit} (one atomic
 *       write, then the new state is published to readers);
 *   <li>gRPC threads: {@link #view()} or {@link #range}, which read the last published batch
 *       through a RocksDB snapshot and never block the apply thread;
 *   <li>the compactor thread: {@link #compactStep} until {@link CompactionProgress#isDone()};
 *   <li>the server: {@link #flush()} before it compacts its Raft log (RocksDB's own WAL is off, so
 *       until then the Raft WAL is what makes applied entries durable), {@link #defragment()},
 *       sizes, hashes, {@link #close()} after all of the above have stopped.
 * </ul>
 *
 * <p>Opening reads a handful of metadata keys and never scans keys: open time does not grow with
 * the number of keys. After a crash the store is exactly at its stored applied index ({@link
 * StoreState#appliedIndex()}); the server replays its Raft log from the entry after it.
 *
 * <p>Thread-safe as described. Locks: {@link #compactionLock} only; no other lock is taken while it
 * is held, and readers and the apply thread never take it.
 */
public final class MvccStore implements AutoCloseable {

    private static final long SCHEMA_VERSION = 1;

    private final RocksBackend backend;

    /**
     * Serialises compaction steps and keeps {@link #close()} from closing RocksDB under one. Lock
     * order: taken alone (nothing else is locked while it is held).
     */
    private final ReentrantLock compactionLock = new ReentrantLock();

    /** Guarded by {@link #compactionLock}. */
    private final PhysicalCompaction compaction;

    /**
     * The snapshot of the last committed batch: replaced by the apply thread on each commit, and
     * refreshed (same state, newer snapshot) by the compactor after it deleted versions, so that an
     * idle store does not pin what compaction removed.
     */
    private final AtomicReference<PinnedSnapshot> published;

    /** Whether an apply batch is open: at most one at a time. */
    private final AtomicBoolean batchOpen = new AtomicBoolean();

    /** Views opened and not yet closed; none may be left when the store closes. */
    private final AtomicInteger openViews = new AtomicInteger();

    private MvccStore(RocksBackend backend, StoreState state, long cursorMain, long cursorSub) {
        this.backend = backend;
        this.compaction = new PhysicalCompaction(backend, cursorMain, cursorSub);
        this.published = new AtomicReference<>(new PinnedSnapshot(backend.snapshot(), state));
    }

    public static MvccStore open(Path directory) {
        return open(directory, BackendConfig.defaults());
    }

    /** Opens or creates the store in {@code directory}. */
    public static MvccStore open(Path directory, BackendConfig config) {
        RocksBackend backend = RocksBackend.open(directory, config);
        try {
            byte[] schema = backend.get(Family.META, MetaKey.SCHEMA_VERSION.bytes());
            if (schema == null) {
                initialize(backend);
            } else if (MetaKey.decodeLong(schema) != SCHEMA_VERSION) {
                throw new BackendException(
                        directory
                                + " holds store format "
                                + MetaKey.decodeLong(schema)
                                + ", this build reads format "
                                + SCHEMA_VERSION);
            }
            StoreState state =
                    new StoreState(
                            readLong(backend, MetaKey.CONSISTENT_INDEX),
                            readLong(backend, MetaKey.TERM),
                            readLong(backend, MetaKey.CURRENT_REVISION),
                            readLong(backend, MetaKey.COMPACT_REVISION));
            byte[] cursor = backend.get(Family.META, MetaKey.COMPACT_CURSOR.bytes());
            if (Verify.enabled()) {
                byte[] last = backend.lastKey(Family.REVISION);
                Invariants.check(
                        last == null || RevisionRecord.main(last) <= state.revision(),
                        "a change at %d is newer than the stored revision %d",
                        last == null ? 0 : RevisionRecord.main(last),
                        state.revision());
            }
            return new MvccStore(
                    backend, state, RevisionRecord.main(cursor), RevisionRecord.sub(cursor));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    private static void initialize(RocksBackend backend) {
        StoreState empty = StoreState.EMPTY;
        try (WriteSet writes = backend.newWriteSet()) {
            writes.put(
                    Family.META,
                    MetaKey.SCHEMA_VERSION.bytes(),
                    MetaKey.encodeLong(SCHEMA_VERSION));
            writes.put(
                    Family.META,
                    MetaKey.CONSISTENT_INDEX.bytes(),
                    MetaKey.encodeLong(empty.appliedIndex()));
            writes.put(Family.META, MetaKey.TERM.bytes(), MetaKey.encodeLong(empty.term()));
            writes.put(
                    Family.META,
                    MetaKey.CURRENT_REVISION.bytes(),
                    MetaKey.encodeLong(empty.revision()));
            writes.put(
                    Family.META,
                    MetaKey.COMPACT_REVISION.bytes(),
                    MetaKey.encodeLong(empty.compactRevision()));
            writes.put(Family.META, MetaKey.COMPACT_CURSOR.bytes(), RevisionRecord.key(1, 0));
            backend.write(writes);
        }
        backend.flush();
    }

    private static long readLong(RocksBackend backend, MetaKey key) {
        byte[] value = backend.get(Family.META, key.bytes());
        if (value == null) {
            throw new BackendException(backend.directory() + " lacks metadata key " + key);
        }
        return MetaKey.decodeLong(value);
    }

    /** The RocksDB database below (for tests that inspect the physical layout). */
    RocksBackend backend() {
        return backend;
    }

    /** The state of the last committed batch. */
    public StoreState state() {
        return published.get().state();
    }

    /**
     * Starts the next group commit. {@code leaseExists} tells whether a lease ID is granted, as the
     * lessor sees it while the batch applies (etcd's {@code lessor.Lookup}). Apply thread only.
     */
    public ApplyBatch beginBatch(LongPredicate leaseExists) {
        Invariants.check(batchOpen.compareAndSet(false, true), "an apply batch is already open");
        return new ApplyBatch(this, backend, state(), leaseExists);
    }

    void endBatch() {
        Invariants.check(batchOpen.compareAndSet(true, false), "closing a batch that is not open");
    }

    /** Makes {@code state}, just written, what new views see. Apply thread only. */
    void publish(StoreState state) {
        published.getAndSet(new PinnedSnapshot(backend.snapshot(), state)).release();
    }

    /** A consistent view of the last committed batch; close it when done. Any thread. */
    public ReadView view() {
        while (true) {
            PinnedSnapshot current = published.get();
            if (current.tryRetain()) {
                openViews.incrementAndGet();
                return new ReadView(backend, current, openViews);
            }
        }
    }

    /** etcd's Range on the last committed batch. Any thread. */
    public RangeResponse range(RangeRequest request) {
        try (ReadView view = view()) {
            return view.range(request);
        }
    }

    /**
     * Physically removes versions made obsolete by the compact revision, examining at most {@code
     * changesMax} changes; the compactor thread calls it until the progress is done. It never
     * blocks the apply thread or readers.
     */
    public CompactionProgress compactStep(int changesMax) {
        compactionLock.lock();
        try {
            PinnedSnapshot current = published.get();
            CompactionProgress progress =
                    compaction.step(current.state().compactRevision(), changesMax);
            if (progress.deletedCount() > 0) {
                refresh(current);
            }
            return progress;
        } finally {
            compactionLock.unlock();
        }
    }

    /**
     * Replaces {@code current} by a snapshot of the same state taken now, unless a commit replaced
     * it first. Safe because the newer snapshot differs only by versions no read at or above the
     * state's compact revision needs, and by changes above the state's revision, which reads at it
     * never see.
     */
    private void refresh(PinnedSnapshot current) {
        PinnedSnapshot fresh = new PinnedSnapshot(backend.snapshot(), current.state());
        if (published.compareAndSet(current, fresh)) {
            current.release();
        } else {
            fresh.release();
        }
    }

    /** etcd's HashKV at {@code revision} (0: the current revision). */
    public KvHash hashKv(long revision) {
        try (ReadView view = view()) {
            return view.hashKv(revision);
        }
    }

    /**
     * etcd's Hash: here the HashKV of the current revision, so it covers every readable version and
     * the compact revision, and members agree on it at equal revisions whatever their physical
     * compaction progress.
     */
    public KvHash hash() {
        return hashKv(0);
    }

    /** etcd's Defragment: rewrites the database without deleted versions. Runs beside writes. */
    public void defragment() {
        backend.compactAll();
    }

    /**
     * Writes a consistent copy of the store to directory {@code target} (absent): the source of a
     * client snapshot. The copy holds some committed batch's full state, applied index included.
     */
    public void checkpoint(Path target) {
        backend.checkpoint(target);
    }

    /**
     * Replaces the whole content of the store by that of the store in {@code source} (a checkpoint
     * from a leader's snapshot), then makes it durable and visible. Apply thread only, with no
     * batch open; views opened before keep reading the old content.
     *
     * <p>Crash safety: the first write deletes every data family and sets the applied index to 0;
     * the data is then copied in bounded batches and the metadata (applied index of the source)
     * last, and flushed. A crash before the end leaves a store whose applied index (0) is below the
     * Raft snapshot's, which the member detects at restart and installs the snapshot again.
     */
    public void restore(Path source) {
        Invariants.check(!batchOpen.get(), "restoring the store with an apply batch open");
        compactionLock.lock();
        try (RocksBackend from = RocksBackend.open(source, BackendConfig.defaults())) {
            try (WriteSet clear = backend.newWriteSet()) {
                for (Family family : Family.values()) {
                    byte[] last = backend.lastKey(family);
                    if (family != Family.META && last != null) {
                        clear.deleteRange(family, new byte[0], last);
                        clear.delete(family, last);
                    }
                }
                clear.put(Family.META, MetaKey.CONSISTENT_INDEX.bytes(), MetaKey.encodeLong(0));
                backend.write(clear);
            }
            for (Family family : Family.values()) {
                copy(from, family); // META is the last family: the applied index comes last
            }
            backend.flush();
            byte[] cursor = backend.get(Family.META, MetaKey.COMPACT_CURSOR.bytes());
            compaction.moveCursor(RevisionRecord.main(cursor), RevisionRecord.sub(cursor));
            publish(new StoreState(
                    readLong(backend, MetaKey.CONSISTENT_INDEX),
                    readLong(backend, MetaKey.TERM),
                    readLong(backend, MetaKey.CURRENT_REVISION),
                    readLong(backend, MetaKey.COMPACT_REVISION)));
        } finally {
            compactionLock.unlock();
        }
    }

    /** Bytes copied per write batch while restoring. */
    private static final long RESTORE_BATCH_BYTES_MAX = 4L << 20;

    private void copy(RocksBackend from, Family family) {
        try (Cursor cursor = from.cursor(family)) {
            WriteSet writes = backend.newWriteSet();
            try {
                for (cursor.seek(new byte[0]); cursor.isValid(); cursor.next()) {
                    writes.put(family, cursor.key(), cursor.value());
                    if (writes.sizeBytes() >= RESTORE_BATCH_BYTES_MAX) {
                        backend.write(writes);
                        writes.close();
                        writes = backend.newWriteSet();
                    }
                }
                backend.write(writes);
            } finally {
                writes.close();
            }
        }
    }

    /** The database's size on disk and in memtables (etcd's db total size, for the quota). */
    public long dbSizeBytes() {
        return backend.totalSizeBytes();
    }

    /** The part of {@link #dbSizeBytes()} holding live data (etcd's db size in use), estimated. */
    public long dbSizeInUseBytes() {
        return backend.liveSizeBytes();
    }

    /** Makes everything committed so far durable (see the class comment). Any thread. */
    public void flush() {
        backend.flush();
    }

    /** Flushes and closes; only after the apply thread, the compactor and every view are done. */
    @Override
    public void close() {
        Invariants.check(!batchOpen.get(), "closing the store with an apply batch open");
        Invariants.check(
                openViews.get() == 0, "closing the store with %d views open", openViews.get());
        compactionLock.lock();
        try {
            published.get().release();
            backend.close();
        } finally {
            compactionLock.unlock();
        }
    }
}
