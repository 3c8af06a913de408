package io.etcetera.lease;

/**
 * Only the leader's lessor renews leases and knows their remaining TTL (etcd's {@code
 * lease.ErrNotPrimary}, "not a primary lessor"). Clients never see it in etcd: the server forwards
 * the request to the current leader and retries there; with no leader it answers "etcdserver: no
 * leader" (UNAVAILABLE), and when it gives up waiting "etcdserver: request timed out".
 *
 * <p>Immutable.
 */
public final class NotPrimaryException extends LeaseException {

    NotPrimaryException() {
        super("not a primary lessor");
    }
}
