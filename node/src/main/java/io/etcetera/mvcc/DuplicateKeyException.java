package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

/**
 * A txn puts one key twice, or puts a key that one of its delete ranges covers (etcd's {@code
 * ErrGRPCDuplicateKey}).
 *
 * <p>Immutable.
 */
public final class DuplicateKeyException extends MvccException {

    private final ByteString key;

    public DuplicateKeyException(ByteString key) {
        super("etcdserver: duplicate key given in txn request: " + key.toStringUtf8());
        this.key = key;
    }

    public ByteString key() {
        return key;
    }
}
