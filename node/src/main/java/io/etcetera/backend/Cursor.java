package io.etcetera.backend;

/**
 * A forward cursor over the entries of one column family, in key order, as of one point in time.
 *
 * <p>Two implementations: {@link RocksCursor} reads RocksDB; the multi-version store's overlay
 * cursor merges a write batch that is still being built with a RocksDB cursor below it.
 *
 * <p>Not thread-safe: one thread uses a cursor, then closes it.
 */
public interface Cursor extends AutoCloseable {

    /** Positions the cursor at the first entry whose key is at or after {@code target}. */
    void seek(byte[] target);

    boolean isValid();

    /** Moves to the next entry; only when {@link #isValid()}. */
    void next();

    /** The current key (a copy); only when {@link #isValid()}. */
    byte[] key();

    /** The current value (a copy); only when {@link #isValid()}. */
    byte[] value();

    /** The current value's length, without copying it; only when {@link #isValid()}. */
    int valueLength();

    @Override
    void close();
}
