package io.etcetera.backend;

import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Puts and deletes across column families that {@link RocksBackend#write(WriteSet)} applies as one
 * atomic RocksDB write batch: after a crash either all of them are on disk or none is.
 *
 * <p>Not thread-safe: built by one thread, written once, then closed.
 */
public final class WriteSet implements AutoCloseable {

    private final RocksBackend backend;
    private final WriteBatch batch = new WriteBatch();
    private int operationCount;

    WriteSet(RocksBackend backend) {
        this.backend = backend;
    }

    public void put(Family family, byte[] key, byte[] value) {
        ColumnFamilyHandle handle = backend.handle(family);
        try {
            batch.put(handle, key, value);
        } catch (RocksDBException e) {
            throw new BackendException("adding a put to a write batch failed", e);
        }
        operationCount++;
    }

    public void delete(Family family, byte[] key) {
        ColumnFamilyHandle handle = backend.handle(family);
        try {
            batch.delete(handle, key);
        } catch (RocksDBException e) {
            throw new BackendException("adding a delete to a write batch failed", e);
        }
        operationCount++;
    }

    /** Deletes every key of {@code family} in [{@code from}, {@code to}). */
    public void deleteRange(Family family, byte[] from, byte[] to) {
        ColumnFamilyHandle handle = backend.handle(family);
        try {
            batch.deleteRange(handle, from, to);
        } catch (RocksDBException e) {
            throw new BackendException("adding a range delete to a write batch failed", e);
        }
        operationCount++;
    }

    /** Puts and deletes added so far. */
    public int operationCount() {
        return operationCount;
    }

    /** Bytes of the batch's encoded form (keys, values and framing). */
    public long sizeBytes() {
        return batch.getDataSize();
    }

    WriteBatch batch() {
        return batch;
    }

    @Override
    public void close() {
        batch.close();
    }
}
