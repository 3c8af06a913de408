package io.etcetera.mvcc;

/**
 * The result of etcd's HashKV: a CRC-32C over the store's versions up to a revision.
 *
 * <p>Immutable.
 *
 * @param hash the hash (etcd sends it as uint32)
 * @param revision the store's current revision when it was computed (the response header's)
 * @param compactRevision the compact revision when it was computed
 */
public record KvHash(int hash, long revision, long compactRevision) {}
