package io.etcetera.backend;

import io.etcetera.invariants.Invariants;
import io.etcetera.metrics.DiskMetrics;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The RocksDB database of one member: the column families of {@link Family}, atomic multi-family
 * write batches, snapshots, flush, full compaction and size figures. The layout is documented in
 * {@code package-info.java}.
 *
 * <p>Durability: RocksDB's own write-ahead log is off. The Raft WAL is the source of durability:
 * each write batch carries the Raft index it covers, and after a crash the member replays the Raft
 * WAL from the index found here. What is on disk after a crash is therefore the state as of the
 * last flush, and that state must be consistent across families: {@code atomic_flush} makes RocksDB
 * flush all families together at one point of the write sequence, so a reopened database always
 * reflects a prefix of the write batches, never part of one.
 *
 * <p>Thread-safe: any thread may read, write, flush or compact (RocksDB serialises writes). Close
 * only after every reader, writer and snapshot is done.
 */
public final class RocksBackend implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private static final int BLOOM_BITS_PER_KEY = 10;
    private static final long TARGET_FILE_BYTES = 64L << 20;

    /**
     * Writes between two exact reads of the database size. An exact read asks RocksDB for two
     * properties of every family, each under its database mutex; doing that for every quota check
     * took half of a put's time on the client I/O thread. Between reads the size grows by each
     * batch's bytes: an estimate, as etcd's size only moves when its backend commits.
     */
    private static final int SIZE_READ_INTERVAL_WRITES = 64;

    private final Path directory;
    private final RocksDB db;
    private final DBOptions dbOptions;
    private final Cache blockCache;
    private final List<ColumnFamilyOptions> familyOptions;
    private final Map<Family, ColumnFamilyHandle> handles;
    private final List<ColumnFamilyHandle> allHandles;
    private final WriteOptions writeOptions;

    /** The size last read from RocksDB plus the bytes written since. */
    private final AtomicLong sizeBytes = new AtomicLong();
    private final AtomicInteger writesSinceSizeRead = new AtomicInteger();

    private RocksBackend(
            Path directory,
            RocksDB db,
            DBOptions dbOptions,
            Cache blockCache,
            List<ColumnFamilyOptions> familyOptions,
            List<ColumnFamilyHandle> allHandles) {
        this.directory = directory;
        this.db = db;
        this.dbOptions = dbOptions;
        this.blockCache = blockCache;
        this.familyOptions = familyOptions;
        this.allHandles = allHandles;
        this.handles = new EnumMap<>(Family.class);
        for (Family family : Family.values()) {
            handles.put(family, allHandles.get(family.ordinal()));
        }
        readSize();
        this.writeOptions = new WriteOptions().setDisableWAL(true).setSync(false);
    }

    /** Opens (creating if needed) the database in {@code directory}. Reads no keys. */
    public static RocksBackend open(Path directory, BackendConfig config) {
        Cache blockCache = new LRUCache(config.blockCacheBytes());
        DBOptions dbOptions =
                new DBOptions()
                        .setCreateIfMissing(true)
                        .setCreateMissingColumnFamilies(true)
                        .setAtomicFlush(true)
                        .setMaxBackgroundJobs(config.backgroundJobsMax())
                        .setBytesPerSync(1L << 20);
        List<ColumnFamilyOptions> familyOptions = new ArrayList<>();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (Family family : Family.values()) {
            ColumnFamilyOptions options = familyOptions(family, config, blockCache);
            familyOptions.add(options);
            descriptors.add(new ColumnFamilyDescriptor(family.rocksName(), options));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            RocksDB db = RocksDB.open(dbOptions, directory.toString(), descriptors, handles);
            return new RocksBackend(directory, db, dbOptions, blockCache, familyOptions, handles);
        } catch (RocksDBException | java.io.IOException e) {
            familyOptions.forEach(ColumnFamilyOptions::close);
            dbOptions.close();
            blockCache.close();
            throw new BackendException(
                    "opening the RocksDB database in " + directory + " failed", e);
        }
    }

    private static ColumnFamilyOptions familyOptions(
            Family family, BackendConfig config, Cache cache) {
        BlockBasedTableConfig table =
                new BlockBasedTableConfig()
                        .setBlockCache(cache)
                        .setBlockSize(16 << 10)
                        .setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true);
        if (family == Family.KEY) {
            // Point reads of one exact version (watch replay, hash) skip files by their bloom
            // filter.
            table.setFilterPolicy(new BloomFilter(BLOOM_BITS_PER_KEY));
        }
        return new ColumnFamilyOptions()
                .setTableFormatConfig(table)
                .setWriteBufferSize(config.writeBufferBytes())
                .setTargetFileSizeBase(TARGET_FILE_BYTES)
                .setLevelCompactionDynamicLevelBytes(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION);
    }

    public Path directory() {
        return directory;
    }

    /** The value stored under {@code key}, or null, as of now. */
    public byte[] get(Family family, byte[] key) {
        try {
            return db.get(handle(family), key);
        } catch (RocksDBException e) {
            throw new BackendException("reading " + family + " in " + directory + " failed", e);
        }
    }

    /** The value stored under {@code key}, or null, as of {@code snapshot}. */
    public byte[] get(Family family, byte[] key, BackendSnapshot snapshot) {
        try {
            return db.get(handle(family), snapshot.readOptions(), key);
        } catch (RocksDBException e) {
            throw new BackendException("reading " + family + " in " + directory + " failed", e);
        }
    }

    /** A cursor over {@code family} as of now (it keeps seeing this moment until closed). */
    public Cursor cursor(Family family) {
        ReadOptions options = new ReadOptions();
        return new RocksCursor(db.newIterator(handle(family), options), options, where(family));
    }

    /** A cursor over {@code family} as of {@code snapshot}. */
    public Cursor cursor(Family family, BackendSnapshot snapshot) {
        return new RocksCursor(
                db.newIterator(handle(family), snapshot.readOptions()), null, where(family));
    }

    /** The newest key of {@code family} as of now, or null when the family is empty. */
    public byte[] lastKey(Family family) {
        try (ReadOptions options = new ReadOptions();
                var iterator = db.newIterator(handle(family), options)) {
            iterator.seekToLast();
            return iterator.isValid() ? iterator.key() : null;
        }
    }

    public BackendSnapshot snapshot() {
        return new BackendSnapshot(this, db.getSnapshot());
    }

    void release(Snapshot snapshot) {
        db.releaseSnapshot(snapshot);
    }

    public WriteSet newWriteSet() {
        return new WriteSet(this);
    }

    /**
     * Applies every put and delete of {@code writes} atomically. Not synced: see the class comment.
     */
    public void write(WriteSet writes) {
        long startNanos = DiskMetrics.BACKEND_COMMIT.start();
        try {
            db.write(writeOptions, writes.batch());
            DiskMetrics.BACKEND_COMMIT.observe(startNanos);
            if (writesSinceSizeRead.incrementAndGet() >= SIZE_READ_INTERVAL_WRITES) {
                readSize();
            } else {
                sizeBytes.addAndGet(writes.batch().getDataSize());
            }
        } catch (RocksDBException e) {
            throw new BackendException(
                    "writing a batch of "
                            + writes.operationCount()
                            + " operations to "
                            + directory
                            + " failed",
                    e);
        }
    }

    /**
     * Makes every write so far durable: flushes all memtables to SST files (atomically across
     * families) and syncs them. After it returns, a crash loses nothing written before the call.
     */
    public void flush() {
        try (FlushOptions options = new FlushOptions().setWaitForFlush(true)) {
            db.flush(options, allHandles);
        } catch (RocksDBException e) {
            throw new BackendException("flushing " + directory + " failed", e);
        }
        readSize();
    }

    /**
     * Rewrites every family to drop deleted and overwritten data (etcd's defragment). Runs
     * alongside reads and writes.
     */
    public void compactAll() {
        try (CompactRangeOptions options =
                new CompactRangeOptions()
                        .setBottommostLevelCompaction(
                                CompactRangeOptions.BottommostLevelCompaction.kForceOptimized)) {
            for (ColumnFamilyHandle handle : allHandles) {
                db.compactRange(handle, null, null, options);
            }
        } catch (RocksDBException e) {
            throw new BackendException("compacting " + directory + " failed", e);
        }
        readSize();
    }

    /**
     * Writes a consistent copy of the whole database to {@code target} (which must not exist):
     * RocksDB's checkpoint, hard links to the live files plus a copy of the manifest, after a
     * flush (RocksDB's WAL is off, so the copy needs nothing from memory). With atomic flush the
     * copy reflects a prefix of the write batches. Runs beside reads and writes.
     */
    public void checkpoint(Path target) {
        try (Checkpoint checkpoint = Checkpoint.create(db)) {
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new BackendException("checkpointing " + directory + " to " + target + " failed",
                    e);
        }
    }

    /**
     * Bytes of all SST files (live or not yet deleted) plus the memtables, as of the last exact
     * read plus the batches written since (see {@link #SIZE_READ_INTERVAL_WRITES}).
     */
    public long totalSizeBytes() {
        return sizeBytes.get();
    }

    /**
     * Reads the exact size. A write racing with it may be counted twice or not at all until the
     * next read: the figure is an estimate between reads anyway.
     */
    private void readSize() {
        writesSinceSizeRead.set(0);
        sizeBytes.set(sumProperty("rocksdb.total-sst-files-size")
                + sumProperty("rocksdb.cur-size-all-mem-tables"));
    }

    /**
     * RocksDB's estimate of the bytes of live data plus the memtables: what a full compaction
     * keeps.
     */
    public long liveSizeBytes() {
        return sumProperty("rocksdb.estimate-live-data-size")
                + sumProperty("rocksdb.cur-size-all-mem-tables");
    }

    /** RocksDB's estimate of the entries in {@code family} (deletions not yet compacted count). */
    public long estimatedEntryCount(Family family) {
        try {
            return db.getLongProperty(handle(family), "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            throw new BackendException("estimating the entries of " + family + " in " + directory
                    + " failed", e);
        }
    }

    private long sumProperty(String property) {
        long sum = 0;
        try {
            for (ColumnFamilyHandle handle : allHandles) {
                sum += db.getLongProperty(handle, property);
            }
        } catch (RocksDBException e) {
            throw new BackendException("reading " + property + " of " + directory + " failed", e);
        }
        return sum;
    }

    ColumnFamilyHandle handle(Family family) {
        ColumnFamilyHandle handle = handles.get(family);
        Invariants.check(handle != null, "no column family handle for %s", family);
        return handle;
    }

    private String where(Family family) {
        return "column family " + family + " in " + directory;
    }

    /** Flushes (so a reopen finds everything written) and closes the database. */
    @Override
    public void close() {
        flush();
        writeOptions.close();
        allHandles.forEach(ColumnFamilyHandle::close);
        try {
            db.closeE();
        } catch (RocksDBException e) {
            throw new BackendException("closing " + directory + " failed", e);
        } finally {
            dbOptions.close();
            familyOptions.forEach(ColumnFamilyOptions::close);
            blockCache.close();
        }
    }
}
