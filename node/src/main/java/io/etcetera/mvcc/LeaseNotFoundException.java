package io.etcetera.mvcc;

/**
 * A put attaches a lease that does not exist (etcd's {@code lease.ErrLeaseNotFound}).
 *
 * <p>Immutable.
 */
public final class LeaseNotFoundException extends MvccException {

    private final long leaseId;

    public LeaseNotFoundException(long leaseId) {
        super("lease not found: " + Long.toHexString(leaseId));
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}
