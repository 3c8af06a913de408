package io.etcetera.lease;

import java.util.concurrent.CompletableFuture;

/**
 * A renewal found the lease expired on the leader: its revoke is pending (handed to the reaper or
 * going through Raft), so it must not be renewed. etcd's {@code Renew} blocks here; the lessor
 * never blocks a gRPC thread, and gives the caller {@link #settled()} to wait on instead:
 *
 * <ul>
 *   <li>it completes normally when the revoke is applied: answer as for {@link
 *       LeaseNotFoundException} (KeepAlive TTL 0);
 *   <li>it fails with {@link NotPrimaryException} when leadership changed first (the lease may live
 *       on under the new leader): retry the renewal at the leader.
 * </ul>
 *
 * <p>Immutable (the future is the caller's own copy).
 */
public final class LeaseExpiredException extends LeaseException {

    private final long leaseId;
    private final transient CompletableFuture<Void> settled;

    LeaseExpiredException(long leaseId, CompletableFuture<Void> settled) {
        super("lease expired, revoke pending: " + Long.toHexString(leaseId));
        this.leaseId = leaseId;
        this.settled = settled;
    }

    public long leaseId() {
        return leaseId;
    }

    /** Completes when the lease is revoked; fails with {@link NotPrimaryException} if demoted. */
    public CompletableFuture<Void> settled() {
        return settled;
    }
}
