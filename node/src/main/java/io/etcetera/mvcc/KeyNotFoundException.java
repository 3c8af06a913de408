package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

/**
 * A put with {@code ignore_value} or {@code ignore_lease} names a key that does not exist, or a txn
 * holds an empty request op (etcd's {@code ErrKeyNotFound}).
 *
 * <p>Immutable.
 */
public final class KeyNotFoundException extends MvccException {

    private final ByteString key;

    public KeyNotFoundException(ByteString key) {
        super("etcdserver: key not found: " + key.toStringUtf8());
        this.key = key;
    }

    public ByteString key() {
        return key;
    }
}
