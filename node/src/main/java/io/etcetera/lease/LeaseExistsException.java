package io.etcetera.lease;

/**
 * A grant names an ID that is already granted (etcd's {@code lease.ErrLeaseExists}; gRPC
 * FAILED_PRECONDITION "etcdserver: lease already exists").
 *
 * <p>Immutable.
 */
public final class LeaseExistsException extends LeaseException {

    private final long leaseId;

    LeaseExistsException(long leaseId) {
        super("lease already exists: " + Long.toHexString(leaseId));
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}
