package io.etcetera.backend;

import java.nio.charset.StandardCharsets;

/**
 * The keys of {@link Family#META} and the encoding of their values (big-endian longs).
 *
 * <p>Immutable; used from any thread.
 */
public enum MetaKey {
    /** The on-disk format version; a store written by another format refuses to open. */
    SCHEMA_VERSION("schema_version"),
    /**
     * The Raft index of the last entry applied; written in the same batch as that entry's changes.
     */
    CONSISTENT_INDEX("consistent_index"),
    /** The Raft term of that entry. */
    TERM("term"),
    /** The newest revision (etcd's currentRev). */
    CURRENT_REVISION("current_revision"),
    /**
     * The revision of the last applied compaction (etcd's scheduledCompactRev): no read below it.
     */
    COMPACT_REVISION("compact_revision"),
    /**
     * The next revision (main, sub) that physical compaction will examine; everything before it has
     * been compacted up to the compaction target that was current when it was examined.
     */
    COMPACT_CURSOR("compact_cursor");

    private final byte[] bytes;

    MetaKey(String name) {
        this.bytes = name.getBytes(StandardCharsets.UTF_8);
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public static byte[] encodeLong(long value) {
        byte[] out = new byte[8];
        VersionKey.putLong(out, 0, value);
        return out;
    }

    public static long decodeLong(byte[] value) {
        return VersionKey.getLong(value, 0);
    }
}
