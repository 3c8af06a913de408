package io.etcetera.lease;

/**
 * A grant asks for more than {@link Lessor#TTL_SECONDS_MAX} (etcd's {@code
 * lease.ErrLeaseTTLTooLarge}; gRPC OUT_OF_RANGE "etcdserver: too large lease TTL").
 *
 * <p>Immutable.
 */
public final class LeaseTtlTooLargeException extends LeaseException {

    private final long ttlSeconds;

    LeaseTtlTooLargeException(long ttlSeconds) {
        super("too large lease TTL: " + ttlSeconds + " s > " + Lessor.TTL_SECONDS_MAX + " s");
        this.ttlSeconds = ttlSeconds;
    }

    public long ttlSeconds() {
        return ttlSeconds;
    }
}
