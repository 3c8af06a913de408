package io.etcetera.server;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;

import io.etcd.jetcd.api.Event;
import io.etcetera.invariants.Invariants;
import io.etcetera.metrics.ServerMetrics;
import io.etcetera.metrics.StructuredMessage;
import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.BackendQuota;
import io.etcetera.mvcc.MvccException;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.ReadView;
import io.etcetera.raft.pb.ConfChange;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.EntryType;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.RaftRequest;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Applies committed entries to the store (etcd's {@code applyAll} and {@code applierV3}): all the
 * entries of one Ready in one {@link ApplyBatch}, committed with the index and term of the last,
 * so the store's applied index always covers exactly the changes it holds; lease requests go to
 * the lessor in the same batch ({@link LeaseApplier}). Then it answers the
 * waiting requests, advances the applied index, hands the batch's events to the watch layer, and
 * every {@code snapshotCount} entries makes the store durable and asks the raft loop for a
 * snapshot.
 *
 * <p>A conf change is checked again against the membership before it is applied ({@link
 * Membership#refusal}); a refused one changes nothing but a record of its index, its proposer gets
 * etcd's error, and the raft loop, told through the batch's {@code confRefusals}, leaves it out
 * of Raft's configuration.
 *
 * <p>On restart the log is replayed from the Raft snapshot, which may be older than the store:
 * entries at or below the store's applied index are skipped (etcd's consistent index check), and
 * the conf changes among them are answered to the raft loop from the recorded refusals.
 *
 * <p>Confined to the apply thread. An exception other than a request's refusal is fatal.
 */
final class Applier {

    private static final Logger LOG = Logger.getLogger(Applier.class);

    private final MvccStore store;
    private final Membership membership;
    private final Alarms alarms;
    private final WaitRegistry waits;
    private final AppliedIndex applied;
    private final RaftInbox raft;
    private final long snapshotCount;
    /** The lease requests and the lessor's promotion. */
    private final LeaseApplier leases;
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
            LeaseApplier leases, Consumer<List<Event>> events,
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
        this.leases = leases;
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
            batch.confRefusals().complete(Set.of());
            return;
        }
        Entry last = entries.get(entries.size() - 1);
        long storeApplied = store.state().appliedIndex();
        Set<Long> refused = refusedBefore(entries, storeApplied);
        if (last.getIndex() > storeApplied) {
            refused = applyToStore(entries, storeApplied, last, refused);
        }
        batch.confRefusals().complete(refused);
        applied.advance(last.getIndex(), last.getTerm());
        maybeSnapshot(last.getIndex());
    }

    /**
     * The conf change entries at or below {@code storeApplied} that were refused when the store
     * applied them: a restarted raft loop meets them again and must decide as it did then.
     */
    private Set<Long> refusedBefore(List<Entry> entries, long storeApplied) {
        if (entries.stream().noneMatch(entry -> entry.getIndex() <= storeApplied
                && entry.getType() == EntryType.ENTRY_CONF_CHANGE)) {
            return Set.of();
        }
        try (ReadView view = store.view()) {
            return refusedConfChanges(view);
        }
    }

    /** The indexes of the conf change entries refused when applied, as {@code view} records. */
    static SortedSet<Long> refusedConfChanges(ReadView view) {
        SortedSet<Long> refused = new TreeSet<>();
        for (ByteString key : view.records(RecordKeys.CONF_REFUSED_PREFIX).keySet()) {
            refused.add(RecordKeys.suffix(RecordKeys.CONF_REFUSED_PREFIX, key));
        }
        return refused;
    }

    /** Applies the entries above {@code storeApplied}; returns {@code refused} and the refusals. */
    private Set<Long> applyToStore(List<Entry> entries, long storeApplied, Entry last,
            Set<Long> refused) throws InvalidProtocolBufferException {
        long[] ids = new long[entries.size()];
        Object[] results = new Object[entries.size()];
        int answered = 0;
        boolean compacted = false;
        Set<Long> allRefused = refused;
        List<Event> committed;
        try (ApplyBatch batch = store.beginBatch(leases.leaseExists())) {
            for (Entry entry : entries) {
                if (entry.getIndex() <= storeApplied) {
                    continue;
                }
                if (entry.getType() == EntryType.ENTRY_CONF_CHANGE) {
                    ConfChange change = ConfChange.parseFrom(entry.getData());
                    ids[answered] = change.getId();
                    results[answered] = applyConfChange(batch, entry.getIndex(), change);
                    if (results[answered++] instanceof RequestFailedException) {
                        allRefused = new HashSet<>(allRefused);
                        allRefused.add(entry.getIndex());
                    }
                } else if (entry.getType() == EntryType.ENTRY_NORMAL
                        && !entry.getData().isEmpty()) {
                    RaftRequest request = RaftRequest.parseFrom(entry.getData());
                    compacted |= request.hasCompaction();
                    ids[answered] = request.getId();
                    results[answered++] = applyTimed(batch, request);
                } else if (entry.getType() == EntryType.ENTRY_NORMAL) {
                    leases.onLeaderEntry(entry.getTerm());
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
        return allRefused;
    }

    /**
     * A committed conf change (etcd's {@code applyConfChange}): applied to the membership if it
     * still holds against it, else refused with etcd's error, and the refusal recorded with the
     * entry's index in the same batch.
     */
    private Object applyConfChange(ApplyBatch batch, long index, ConfChange change)
            throws InvalidProtocolBufferException {
        Optional<Reason> refusal = membership.refusal(change);
        if (refusal.isEmpty()) {
            membership.apply(batch, change);
            return change;
        }
        batch.putRecord(RecordKeys.confRefused(index), new byte[0]);
        LOG.warn(StructuredMessage.of("refused a committed membership change",
                "index", index, "type", change.getType().name(),
                "member-id", Long.toHexString(change.getNodeId()), "error", refusal.get()));
        return RequestFailedException.of(refusal.get());
    }

    /** {@link #applyRequest}, counted and logged when slower than etcd's warning threshold. */
    private Object applyTimed(ApplyBatch batch, RaftRequest request) {
        long startNanos = ServerMetrics.applyStarted();
        Object result = applyRequest(batch, request);
        long slowNanos = ServerMetrics.applied(startNanos);
        if (slowNanos > 0) {
            LOG.warn(StructuredMessage.of("apply request took too long",
                    "took", Duration.ofNanos(slowNanos),
                    "expected-duration", ServerMetrics.SLOW_APPLY,
                    "request", request.getRequestCase().name()));
        }
        return result;
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
                case LEASE_GRANT -> alarms.noSpace() ? noSpace()
                        : leases.grant(batch, request.getLeaseGrant());
                case LEASE_REVOKE -> leases.revoke(batch, request.getLeaseRevoke().getID());
                case LEASE_CHECKPOINT -> leases.checkpoint(batch, request.getLeaseCheckpoint());
                case REQUEST_NOT_SET -> throw new IllegalStateException(
                        "a Raft entry holds request " + request.getId() + " with no operation");
            };
        } catch (MvccException refused) {
            return RequestFailedException.of(refused);
        }
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
