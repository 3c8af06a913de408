package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcetera.backend.Cursor;
import io.etcetera.backend.Family;
import io.etcetera.backend.LeaseKey;
import io.etcetera.backend.RevisionRecord;
import io.etcetera.backend.RocksBackend;
import io.etcetera.backend.VersionKey;
import io.etcetera.invariants.Invariants;
import io.etcetera.metrics.MvccMetrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A consistent read of the store as of one committed apply batch: ranges, read-only txns, event
 * replay, lease keys and HashKV all see the same revision, whatever the apply thread and the
 * compactor do meanwhile.
 *
 * <p>Open one with {@link MvccStore#view()} in a try-with-resources block: an open view pins a
 * RocksDB snapshot (and the versions it needs). A view is used by one thread at a time; each method
 * opens and closes its own cursors.
 */
public final class ReadView implements AutoCloseable {

    /** A replay page stops at the next revision boundary once it has examined this many changes. */
    static final int REPLAY_CHANGES_MAX = 1 << 16;

    private final RocksBackend backend;
    private final PinnedSnapshot pinned;

    /** The store's count of open views, decremented on close. */
    private final AtomicInteger openViews;

    private boolean closed;

    ReadView(RocksBackend backend, PinnedSnapshot pinned, AtomicInteger openViews) {
        this.backend = backend;
        this.pinned = pinned;
        this.openViews = openViews;
    }

    public StoreState state() {
        return pinned.state();
    }

    /** The revision this view shows (the response header's revision for reads through it). */
    public long revision() {
        return pinned.state().revision();
    }

    /** etcd's Range: compacted and future revisions are refused. */
    public RangeResponse range(RangeRequest request) {
        checkOpen();
        MvccMetrics.RANGES.increment();
        try (Cursor cursor = backend.cursor(Family.KEY, pinned.snapshot())) {
            return reader(cursor).range(request, revision());
        }
    }

    /**
     * A txn whose operations are all ranges (see {@link TxnRunner#isReadOnly}); others go through
     * Raft.
     */
    public TxnResponse txn(TxnRequest request) {
        checkOpen();
        Invariants.check(TxnRunner.isReadOnly(request), "txn with writes on a read view");
        try (Cursor cursor = backend.cursor(Family.KEY, pinned.snapshot())) {
            return new TxnRunner(reader(cursor), revision()).run(request);
        }
    }

    /**
     * The changes in [key, rangeEnd) (etcd's watch range forms) from {@code fromRevision} up to
     * this view's revision, as watch events with their previous pairs. A page holds at least {@code
     * eventsMax} events unless it completes, and never splits a revision.
     *
     * @throws CompactedException if {@code fromRevision} is below the compact revision, as etcd's
     *     watch refuses it
     */
    public EventPage events(long fromRevision, ByteString key, ByteString rangeEnd, int eventsMax) {
        checkOpen();
        Invariants.check(eventsMax > 0, "eventsMax(%d) <= 0", eventsMax);
        long compactRevision = pinned.state().compactRevision();
        if (fromRevision < compactRevision) {
            throw new CompactedException(fromRevision, compactRevision);
        }
        KeyRange range = KeyRange.of(key, rangeEnd);
        List<Event> events = new ArrayList<>();
        try (Cursor records = backend.cursor(Family.REVISION, pinned.snapshot());
                Cursor versions = backend.cursor(Family.KEY, pinned.snapshot())) {
            VersionScan scan = new VersionScan(versions);
            int examined = 0;
            long lastMain = -1;
            for (records.seek(RevisionRecord.key(Math.max(0, fromRevision), 0));
                    records.isValid();
                    records.next()) {
                byte[] recordKey = records.key();
                long main = RevisionRecord.main(recordKey);
                if (main > revision()) {
                    break;
                }
                if (main != lastMain
                        && (events.size() >= eventsMax || examined >= REPLAY_CHANGES_MAX)) {
                    return new EventPage(events, main, false);
                }
                lastMain = main;
                examined++;
                byte[] record = records.value();
                byte[] userKey = RevisionRecord.userKey(record);
                if (range.contains(userKey)) {
                    events.add(
                            replay(
                                    scan,
                                    userKey,
                                    main,
                                    RevisionRecord.sub(recordKey),
                                    RevisionRecord.isTombstone(record)));
                }
            }
        }
        return new EventPage(events, Math.max(fromRevision, revision() + 1), true);
    }

    private static Event replay(
            VersionScan scan, byte[] userKey, long main, long sub, boolean tombstone) {
        byte[] group = VersionKey.group(userKey);
        scan.seekExact(group, main, sub);
        Event.Builder event = Event.newBuilder();
        ByteString keyBytes = ByteString.copyFrom(userKey);
        if (tombstone) {
            event.setType(Event.EventType.DELETE)
                    .setKv(KeyValue.newBuilder().setKey(keyBytes).setModRevision(main));
        } else {
            event.setType(Event.EventType.PUT).setKv(KvReader.parse(scan.value()));
        }
        if (scan.nextInGroup(group) != null) {
            byte[] prev = scan.value();
            if (prev.length > 0) {
                event.setPrevKv(KvReader.parse(prev));
            }
        }
        return event.build();
    }

    /** The keys attached to {@code leaseId}, in key order (etcd's LeaseTimeToLive with keys). */
    public List<ByteString> leaseKeys(long leaseId) {
        checkOpen();
        byte[] prefix = LeaseKey.prefix(leaseId);
        List<ByteString> keys = new ArrayList<>();
        try (Cursor cursor = backend.cursor(Family.LEASE, pinned.snapshot())) {
            for (cursor.seek(prefix); cursor.isValid(); cursor.next()) {
                byte[] key = cursor.key();
                if (!Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                    break;
                }
                keys.add(ByteString.copyFrom(LeaseKey.userKey(key)));
            }
        }
        return keys;
    }

    /**
     * Every record (see {@link ApplyBatch#putRecord}) whose key starts with {@code prefix}, in key
     * order: a component reloading its state when the member starts.
     */
    public NavigableMap<ByteString, ByteString> records(ByteString prefix) {
        checkOpen();
        NavigableMap<ByteString, ByteString> records =
                new TreeMap<>(ByteString.unsignedLexicographicalComparator());
        try (Cursor cursor = backend.cursor(Family.RECORDS, pinned.snapshot())) {
            for (cursor.seek(prefix.toByteArray()); cursor.isValid(); cursor.next()) {
                ByteString key = ByteString.copyFrom(cursor.key());
                if (!key.startsWith(prefix)) {
                    break;
                }
                records.put(key, ByteString.copyFrom(cursor.value()));
            }
        }
        return records;
    }

    /**
     * etcd's HashKV at {@code revision} (0: this view's revision); see {@link KvHasher}.
     *
     * @throws CompactedException if {@code revision} is at or below the compact revision
     * @throws FutureRevisionException if it is above this view's revision
     */
    public KvHash hashKv(long revision) {
        checkOpen();
        StoreState state = pinned.state();
        if (revision > 0 && revision <= state.compactRevision()) {
            throw new CompactedException(revision, state.compactRevision());
        }
        if (revision > state.revision()) {
            throw new FutureRevisionException(revision, state.revision());
        }
        long at = revision == 0 ? state.revision() : revision;
        int hash = new KvHasher(backend, pinned.snapshot()).hash(at, state.compactRevision());
        return new KvHash(hash, state.revision(), state.compactRevision());
    }

    @Override
    public void close() {
        checkOpen();
        closed = true;
        pinned.release();
        openViews.decrementAndGet();
    }

    private KvReader reader(Cursor cursor) {
        return new KvReader(new VersionScan(cursor), pinned.state().compactRevision());
    }

    private void checkOpen() {
        Invariants.check(!closed, "read view used after close");
    }
}
