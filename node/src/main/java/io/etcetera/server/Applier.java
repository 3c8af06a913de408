package io.etcetera.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;

import io.etcd.jetcd.api.Event;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcetera.invariants.Invariants;
import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.BackendQuota;
import io.etcetera.mvcc.MvccException;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.RaftRequest;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * Applies committed entries to the store (etcd's {@code applyAll} and {@code applierV3}): all the
 * entries of one Ready in one {@link ApplyBatch}, committed with the index and term of the last,
 * so the store's applied index always covers exactly the changes it holds. Then it answers the
 * waiting requests, advances the applied index, hands the batch's events to the watch layer, and
 * every {@code snapshotCount} entries makes the store durable and asks the raft loop for a
 * snapshot.
 *
 * <p>On restart the log is replayed from the Raft snapshot, which may be older than the store:
 * entries at or below the store's applied index are skipped (etcd's consistent index check).
 *
 * <p>Confined to the apply thread. An exception other than a request's refusal is fatal.
 */
final class Applier {

    private final MvccStore store;
    private final Membership membership;
    private final Alarms alarms;
    private final WaitRegistry waits;
    private final AppliedIndex applied;
    private final RaftInbox raft;
    private final long snapshotCount;
    /** Whether a lease ID is granted (the lessor's lookup; none is granted without a lessor). */
    private final LongPredicate leaseExists;
    /** Where the events of each committed batch go: the watch layer. */
    private final Consumer<List<Event>> events;
    /** Wakes the compactor after a compaction was applied. */
    private final Runnable compactionApplied;
    /** Replaces the store by a leader's snapshot. */
    private final SnapshotInstall snapshotInstall;
    /** The index of the last snapshot asked of the raft loop. */
    private long snapshotRequestedIndex;

    Applier(MvccStore store, Membership membership, Alarms alarms, WaitRegistry waits,
            AppliedIndex applied, RaftInbox raft, long snapshotCount, long snapshotIndex,
            LongPredicate leaseExists, Consumer<List<Event>> events,
            Runnable compactionApplied, SnapshotInstall snapshotInstall) {
        this.snapshotInstall = snapshotInstall;
        this.store = store;
        this.membership = membership;
        this.alarms = alarms;
        this.waits = waits;
        this.applied = applied;
        this.raft = raft;
        this.snapshotCount = snapshotCount;
        this.snapshotRequestedIndex = snapshotIndex;
        this.leaseExists = leaseExists;
        this.events = events;
        this.compactionApplied = compactionApplied;
    }

    /** Applies one Ready's committed entries (and snapshot). */
    void apply(ServerEvent.Apply batch) throws InvalidProtocolBufferException {
        if (batch.snapshot().isPresent()) {
            installSnapshot(batch.snapshot().get());
        }
        List<Entry> entries = batch.entries();
        if (entries.isEmpty()) {
            return;
        }
        Entry last = entries.get(entries.size() - 1);
        long storeApplied = store.state().appliedIndex();
        if (last.getIndex() > storeApplied) {
            applyToStore(entries, storeApplied, last);
        }
        applied.advance(last.getIndex(), last.getTerm());
        maybeSnapshot(last.getIndex());
    }

    private void applyToStore(List<Entry> entries, long storeApplied, Entry last)
            throws InvalidProtocolBufferException {
        long[] ids = new long[entries.size()];
        Object[] results = new Object[entries.size()];
        int answered = 0;
        boolean compacted = false;
        List<Event> committed;
        try (ApplyBatch batch = store.beginBatch(leaseExists)) {
            for (Entry entry : entries) {
                if (entry.getIndex() <= storeApplied) {
                    continue;
                }
                if (entry.getType() == EntryType.ENTRY_CONF_CHANGE) {
                    ConfChange change = ConfChange.parseFrom(entry.getData());
                    membership.apply(batch, change);
                    ids[answered] = change.getId();
                    results[answered++] = change;
                } else if (entry.getType() == EntryType.ENTRY_NORMAL
                        && !entry.getData().isEmpty()) {
                    RaftRequest request = RaftRequest.parseFrom(entry.getData());
                    compacted |= request.hasCompaction();
                    ids[answered] = request.getId();
                    results[answered++] = applyRequest(batch, request);
                }
                // An empty normal entry is a new leader's no-op; a ConfChangeV2 changes only Raft's
                // configuration until members can be promoted (multi-member clusters).
            }
            committed = batch.commit(last.getIndex(), last.getTerm());
        }
        for (int i = 0; i < answered; i++) {
            if (results[i] instanceof RequestFailedException failure) {
                waits.fail(ids[i], failure);
            } else {
                waits.trigger(ids[i], results[i]);
            }
        }
        if (!committed.isEmpty()) {
            events.accept(committed);
        }
        if (compacted) {
            compactionApplied.run();
        }
    }

    /** One client request: its response, or the failure to answer with. */
    private Object applyRequest(ApplyBatch batch, RaftRequest request) {
        try {
            return switch (request.getRequestCase()) {
                case PUT -> alarms.noSpace() ? noSpace() : batch.put(request.getPut());
                case DELETE_RANGE -> batch.deleteRange(request.getDeleteRange());
                case TXN -> alarms.noSpace() && BackendQuota.costBytes(request.getTxn()) > 0
                        ? noSpace() : batch.txn(request.getTxn());
                case COMPACTION -> batch.compact(request.getCompaction());
                case ALARM -> alarms.apply(batch, request.getAlarm());
                case MEMBER_ATTRIBUTES -> {
                    membership.apply(batch, request.getMemberAttributes());
                    yield request.getMemberAttributes();
                }
                case LEASE_REVOKE -> revokeLease(batch, request.getLeaseRevoke().getID());
                case REQUEST_NOT_SET -> throw new IllegalStateException(
                        "a Raft entry holds request " + request.getId() + " with no operation");
            };
        } catch (MvccException refused) {
            return RequestFailedException.of(refused);
        }
    }

    private static Message revokeLease(ApplyBatch batch, long leaseId) {
        long revision = batch.revokeLease(leaseId);
        return LeaseRevokeResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision)).build();
    }

    private static RequestFailedException noSpace() {
        return RequestFailedException.of(Reason.NO_SPACE);
    }

    /**
     * Every {@code snapshotCount} applied entries: flush the store (RocksDB's own WAL is off, so
     * until now the Raft WAL was what made these entries durable), then ask the raft loop to
     * snapshot at this index and compact the log below it. If the raft inbox is full the request
     * is retried after the next batch.
     */
    private void maybeSnapshot(long appliedIndex) {
        if (appliedIndex - snapshotRequestedIndex <= snapshotCount) {
            return;
        }
        store.flush();
        if (raft.offer(new RaftEvent.CreateSnapshot(appliedIndex))) {
            snapshotRequestedIndex = appliedIndex;
        }
    }

    /** A leader's snapshot: the store continues from its index. */
    private void installSnapshot(Snapshot snapshot) throws InvalidProtocolBufferException {
        long index = snapshot.getMetadata().getIndex();
        Invariants.check(index > applied.index(), "a snapshot at %d, at or below the applied"
                + " index %d", index, applied.index());
        snapshotInstall.install(snapshot);
        applied.advance(index, snapshot.getMetadata().getTerm());
        snapshotRequestedIndex = index;
    }
}
