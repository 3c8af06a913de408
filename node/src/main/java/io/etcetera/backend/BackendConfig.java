package io.etcetera.backend;

import io.etcetera.invariants.Invariants;

/**
 * How much memory RocksDB may use and how many background threads it runs.
 *
 * <p>All memory here is off the Java heap.
 *
 * @param writeBufferBytes size of one memtable per column family before it is flushed
 * @param blockCacheBytes size of the block cache shared by all column families
 * @param backgroundJobsMax RocksDB flush and compaction threads
 */
public record BackendConfig(long writeBufferBytes, long blockCacheBytes, int backgroundJobsMax) {

    public BackendConfig {
        Invariants.check(
                writeBufferBytes >= 64 << 10, "writeBufferBytes(%d) < 64 KiB", writeBufferBytes);
        Invariants.check(blockCacheBytes >= 0, "blockCacheBytes(%d) < 0", blockCacheBytes);
        Invariants.check(backgroundJobsMax >= 1, "backgroundJobsMax(%d) < 1", backgroundJobsMax);
    }

    /** 64 MiB memtables, a 128 MiB block cache, two background jobs. */
    public static BackendConfig defaults() {
        return new BackendConfig(64L << 20, 128L << 20, 2);
    }
}
