package io.etcetera.lease;

/**
 * A lease as the leader sees it now (etcd's LeaseTimeToLive without keys: those come from the mvcc
 * store's {@code ReadView.leaseKeys}).
 *
 * <p>Immutable.
 *
 * @param id the lease ID
 * @param grantedTtlSeconds the granted TTL (etcd's {@code grantedTTL})
 * @param remainingTtlSeconds whole seconds left before the leader expires it, never negative
 *     (etcd's {@code TTL})
 */
public record LeaseStatus(long id, long grantedTtlSeconds, long remainingTtlSeconds) {}
