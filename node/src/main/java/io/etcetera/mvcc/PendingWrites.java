package io.etcetera.mvcc;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * The puts and deletes of one column family that an apply batch has made but not yet written, in
 * key order, so that later requests of the batch read them (through an {@link OverlayCursor}).
 *
 * <p>A null value marks a delete. Confined to the apply thread.
 */
final class PendingWrites {

    private final TreeMap<byte[], byte[]> entries = new TreeMap<>(Arrays::compareUnsigned);

    void put(byte[] key, byte[] value) {
        entries.put(key, value);
    }

    void delete(byte[] key) {
        entries.put(key, null);
    }

    /** The first pending entry at or after {@code key}, or null. */
    Map.Entry<byte[], byte[]> ceiling(byte[] key) {
        return entries.ceilingEntry(key);
    }

    /** The first pending entry strictly after {@code key}, or null. */
    Map.Entry<byte[], byte[]> higher(byte[] key) {
        return entries.higherEntry(key);
    }

    int size() {
        return entries.size();
    }
}
