package io.etcetera.mvcc;

/**
 * A request the store refuses, for a reason the client can act on. Only these escape the store's
 * request methods; the api package turns each kind into etcd's gRPC code and message.
 *
 * <p>Unchecked, like every error of the core; immutable.
 */
public abstract sealed class MvccException extends RuntimeException
        permits CompactedException,
                FutureRevisionException,
                KeyNotFoundException,
                LeaseNotFoundException,
                DuplicateKeyException,
                InvalidRequestException {

    MvccException(String message) {
        super(message, null, false, false);
    }
}
