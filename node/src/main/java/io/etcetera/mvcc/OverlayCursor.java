package io.etcetera.mvcc;

import io.etcetera.backend.Cursor;

import java.util.Arrays;
import java.util.Map;

/**
 * A cursor that reads a column family as the apply batch sees it: its {@link PendingWrites} merged
 * over a RocksDB cursor taken when the batch began. A pending put or delete shadows the base entry
 * with the same key; pending deletes are skipped.
 *
 * <p>It looks pending entries up by key at each step rather than holding an iterator, so the batch
 * may add writes between two reads. Confined to the apply thread; it does not own the base cursor.
 */
final class OverlayCursor implements Cursor {

    private final PendingWrites pending;
    private final Cursor base;

    /** The base cursor's current key, cached (reading it crosses JNI); null when exhausted. */
    private byte[] baseKey;

    /** The next pending entry at or after the position, or null. */
    private Map.Entry<byte[], byte[]> pendingEntry;

    /** Whether the current entry comes from the pending writes. */
    private boolean onPending;

    OverlayCursor(PendingWrites pending, Cursor base) {
        this.pending = pending;
        this.base = base;
    }

    @Override
    public void seek(byte[] target) {
        base.seek(target);
        baseKey = base.isValid() ? base.key() : null;
        pendingEntry = pending.ceiling(target);
        settle();
    }

    @Override
    public boolean isValid() {
        return onPending || baseKey != null;
    }

    @Override
    public void next() {
        if (onPending) {
            pendingEntry = pending.higher(pendingEntry.getKey());
        } else {
            advanceBase();
        }
        settle();
    }

    @Override
    public byte[] key() {
        return onPending ? pendingEntry.getKey().clone() : baseKey.clone();
    }

    @Override
    public byte[] value() {
        return onPending ? pendingEntry.getValue().clone() : base.value();
    }

    @Override
    public int valueLength() {
        return onPending ? pendingEntry.getValue().length : base.valueLength();
    }

    /** The base cursor is the batch's; closing an overlay leaves it open. */
    @Override
    public void close() {}

    /** Chooses the smaller of the two heads, skipping pending deletes and shadowed base entries. */
    private void settle() {
        while (true) {
            if (pendingEntry == null) {
                onPending = false;
                return;
            }
            int order =
                    baseKey == null ? -1 : Arrays.compareUnsigned(pendingEntry.getKey(), baseKey);
            if (order > 0) {
                onPending = false;
                return;
            }
            if (order == 0) {
                advanceBase();
            }
            if (pendingEntry.getValue() != null) {
                onPending = true;
                return;
            }
            pendingEntry = pending.higher(pendingEntry.getKey());
        }
    }

    private void advanceBase() {
        base.next();
        baseKey = base.isValid() ? base.key() : null;
    }
}
