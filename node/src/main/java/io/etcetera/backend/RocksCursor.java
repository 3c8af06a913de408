package io.etcetera.backend;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A {@link Cursor} over a RocksDB iterator. It sees the database as of its creation (or as of the
 * snapshot it was created with), whatever is written afterwards.
 *
 * <p>Not thread-safe: used by one thread, then closed.
 */
final class RocksCursor implements Cursor {

    private static final byte[] NO_BYTES = new byte[0];

    private final RocksIterator iterator;

    /** Owned read options when the cursor made its own; null when they belong to a snapshot. */
    private final ReadOptions ownedOptions;

    private final String where;

    RocksCursor(RocksIterator iterator, ReadOptions ownedOptions, String where) {
        this.iterator = iterator;
        this.ownedOptions = ownedOptions;
        this.where = where;
    }

    @Override
    public void seek(byte[] target) {
        iterator.seek(target);
        checkStatus();
    }

    @Override
    public boolean isValid() {
        return iterator.isValid();
    }

    @Override
    public void next() {
        iterator.next();
        checkStatus();
    }

    @Override
    public byte[] key() {
        return iterator.key();
    }

    @Override
    public byte[] value() {
        return iterator.value();
    }

    @Override
    public int valueLength() {
        return iterator.value(NO_BYTES);
    }

    @Override
    public void close() {
        iterator.close();
        if (ownedOptions != null) {
            ownedOptions.close();
        }
    }

    private void checkStatus() {
        if (!iterator.isValid()) {
            try {
                iterator.status();
            } catch (RocksDBException e) {
                throw new BackendException("reading " + where + " failed", e);
            }
        }
    }
}
