package io.etcetera.backend;

import java.nio.charset.StandardCharsets;

/**
 * The RocksDB column families of a member's store. The on-disk layout of each is documented in
 * {@code package-info.java}.
 *
 * <p>Immutable; used from any thread.
 */
public enum Family {
    /**
     * Every version of every user key, ordered by (key, revision descending); see {@link
     * VersionKey}.
     */
    KEY("key"),
    /**
     * One entry per change, ordered by revision, for watch replay and compaction; see {@link
     * RevisionRecord}.
     */
    REVISION("revision"),
    /** The keys attached to each lease, ordered by (lease, key); see {@link LeaseKey}. */
    LEASE("lease"),
    /**
     * Other components' records that must change atomically with the applied index (leases,
     * membership, auth, alarms), each under its component's key prefix; opaque to the store.
     */
    RECORDS("records"),
    /**
     * Applied index, term, revisions and compaction progress; see {@link MetaKey}. It is RocksDB's
     * {@code default} family, which exists in every database.
     */
    META("default");

    private final String rocksName;

    Family(String rocksName) {
        this.rocksName = rocksName;
    }

    /** The column family name RocksDB stores. */
    public byte[] rocksName() {
        return rocksName.getBytes(StandardCharsets.UTF_8);
    }
}
