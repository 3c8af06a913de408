package io.etcetera.lease;

/**
 * No lease has this ID (etcd's {@code lease.ErrLeaseNotFound}; gRPC NOT_FOUND "etcdserver:
 * requested lease not found"; a KeepAlive answers TTL 0 and a TimeToLive TTL -1 instead). A grant
 * with ID 0 gets it too, as in etcd: the server must choose an ID before proposing.
 *
 * <p>Immutable.
 */
public final class LeaseNotFoundException extends LeaseException {

    private final long leaseId;

    LeaseNotFoundException(long leaseId) {
        super("lease not found: " + Long.toHexString(leaseId));
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}
