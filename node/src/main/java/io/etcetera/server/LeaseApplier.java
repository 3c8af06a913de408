package io.etcetera.server;

import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcetera.lease.LeaseException;
import io.etcetera.lease.LeaseExistsException;
import io.etcetera.lease.LeaseRecords;
import io.etcetera.lease.LeaseTtlTooLargeException;
import io.etcetera.lease.Lessor;
import io.etcetera.lease.pb.LeaseCheckpointRequest;
import io.etcetera.mvcc.ApplyBatch;
import io.etcetera.mvcc.MvccStore;
import io.etcetera.mvcc.ReadView;
import io.etcetera.server.RequestFailedException.Reason;

import java.util.function.LongPredicate;

/**
 * The lease requests of committed entries, applied to the {@link Lessor} and the store in the same
 * {@link ApplyBatch} (etcd's {@code applierV3backend.LeaseGrant/LeaseRevoke/LeaseCheckpoint}), and
 * the lessor's promotion when the apply thread reaches a new leader's first entry (etcd's {@code
 * applyEntryNormal}).
 *
 * <p>Each method returns the request's response, or the {@link RequestFailedException} to answer
 * with: a refused lease request changes nothing and the batch goes on.
 *
 * <p>Confined to the apply thread (apart from {@link #recover}, which runs before it starts).
 */
final class LeaseApplier {

    private final Lessor lessor;
    /** Whether this member leads in the given term (the ready handler's view, read at apply). */
    private final LongPredicate leadsInTerm;

    LeaseApplier(Lessor lessor, LongPredicate leadsInTerm) {
        this.lessor = lessor;
        this.leadsInTerm = leadsInTerm;
    }

    /** Loads the persisted leases of {@code store} into the lessor (at open, not primary). */
    static void recover(Lessor lessor, MvccStore store) {
        try (ReadView view = store.view()) {
            lessor.recover(view.records(LeaseRecords.PREFIX));
        }
    }

    /** etcd's LeaseGrant: the lease and its record, or its refusal. */
    Object grant(ApplyBatch batch, LeaseGrantRequest request) {
        try {
            long ttlSeconds = lessor.grant(request.getID(), request.getTTL(), batch::putRecord);
            return LeaseGrantResponse.newBuilder().setID(request.getID()).setTTL(ttlSeconds)
                    .setHeader(ResponseHeader.newBuilder().setRevision(batch.revision())).build();
        } catch (LeaseException refused) {
            return failure(refused);
        }
    }

    /**
     * etcd's LeaseRevoke: the lease goes, and every key attached to it is deleted at one revision,
     * each a delete event for the watchers.
     */
    Object revoke(ApplyBatch batch, long leaseId) {
        try {
            lessor.revoke(leaseId, batch::deleteRecord);
        } catch (LeaseException refused) {
            return failure(refused);
        }
        long revision = batch.revokeLease(leaseId);
        return LeaseRevokeResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision)).build();
    }

    /** etcd's LeaseCheckpoint: remaining TTLs a later leader starts the leases from. */
    Object checkpoint(ApplyBatch batch, LeaseCheckpointRequest request) {
        lessor.checkpoint(request, batch::putRecord);
        return request;
    }

    /**
     * A new leader's empty entry of {@code term} was applied: if this member leads that term, every
     * entry of earlier terms is applied now, and its lessor starts expiring leases from their
     * checkpoints plus an election timeout (etcd promotes at the same point).
     */
    void onLeaderEntry(long term) {
        if (leadsInTerm.test(term)) {
            lessor.promote();
            if (!leadsInTerm.test(term)) {
                // Leadership ended while promoting: the ready handler's demotion may have run
                // before the promotion, so undo it here.
                lessor.demote();
            }
        }
    }

    /** The lessor's lookup, as the store's batches check leases of puts with it. */
    LongPredicate leaseExists() {
        return lessor::exists;
    }

    /** The request failure for a refusal of the lessor; etcd's error for each kind. */
    static RequestFailedException failure(LeaseException refused) {
        if (refused instanceof LeaseExistsException) {
            return RequestFailedException.of(Reason.LEASE_EXIST);
        }
        if (refused instanceof LeaseTtlTooLargeException) {
            return RequestFailedException.of(Reason.LEASE_TTL_TOO_LARGE);
        }
        return RequestFailedException.of(Reason.LEASE_NOT_FOUND);
    }
}
