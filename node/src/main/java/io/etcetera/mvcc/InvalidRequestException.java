package io.etcetera.mvcc;

/**
 * A request that is malformed before it reaches the store: an empty key, a value or lease given
 * together with {@code ignore_value} or {@code ignore_lease}, or a txn with too many operations.
 *
 * <p>Immutable.
 */
public final class InvalidRequestException extends MvccException {

    /** What is wrong, one constant per etcd error. */
    public enum Reason {
        /** etcd's {@code ErrGRPCEmptyKey}. */
        EMPTY_KEY,
        /** etcd's {@code ErrGRPCValueProvided}: {@code ignore_value} with a value. */
        VALUE_PROVIDED,
        /** etcd's {@code ErrGRPCLeaseProvided}: {@code ignore_lease} with a lease. */
        LEASE_PROVIDED,
        /** etcd's {@code ErrGRPCTooManyOps}: more than {@code --max-txn-ops} in one txn level. */
        TOO_MANY_OPS
    }

    private final Reason reason;

    public InvalidRequestException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
