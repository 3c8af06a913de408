package io.etcetera.lease;

/**
 * A lease request the lessor refuses, for a reason the client or the server can act on. Only these
 * escape the lessor's request methods; the api package turns each kind into etcd's gRPC code and
 * message (listed on each subclass).
 *
 * <p>Unchecked, like every error of the core; immutable; no stack trace, because refusals are
 * ordinary results on hot paths (a KeepAlive for a lease that has gone).
 */
public abstract sealed class LeaseException extends RuntimeException
        permits LeaseNotFoundException,
                LeaseExistsException,
                LeaseTtlTooLargeException,
                NotPrimaryException,
                LeaseExpiredException {

    LeaseException(String message) {
        super(message, null, false, false);
    }
}
