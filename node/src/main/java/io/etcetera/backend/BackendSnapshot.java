package io.etcetera.backend;

import org.rocksdb.ReadOptions;
import org.rocksdb.Snapshot;

/**
 * A consistent point-in-time view of the whole database: reads through it see every write batch
 * written before it was taken and none written after.
 *
 * <p>Thread-safe: many threads may read through one snapshot; the owner closes it once, after the
 * last read.
 */
public final class BackendSnapshot implements AutoCloseable {

    private final RocksBackend backend;
    private final Snapshot snapshot;
    private final ReadOptions readOptions;

    BackendSnapshot(RocksBackend backend, Snapshot snapshot) {
        this.backend = backend;
        this.snapshot = snapshot;
        this.readOptions = new ReadOptions().setSnapshot(snapshot);
    }

    ReadOptions readOptions() {
        return readOptions;
    }

    @Override
    public void close() {
        readOptions.close();
        backend.release(snapshot);
    }
}
