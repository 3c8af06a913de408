package io.etcetera.wal;

import io.etcetera.invariants.Invariants;
import io.etcetera.metrics.DiskMetrics;
import io.etcetera.metrics.StructuredMessage;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.SnapshotMetadata;
import io.etcetera.wal.pb.Metadata;
import io.etcetera.wal.pb.SegmentHeader;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The write-ahead log of one member: Raft entries, hard states and snapshot markers appended to
 * segmented, CRC-checked files (format in package-info), modelled on etcd's {@code wal.WAL}.
 *
 * <p>Confined to one thread, the raft loop; it is not thread-safe. The caller's duties:
 * <ol>
 *   <li>First boot: {@link #create} (writes the metadata and a marker for the empty snapshot).
 *   <li>Restart: {@link #validSnapshotMarkers} lists the markers whose index the log has committed;
 *       pick the newest snapshot file matching one ({@link Snapshotter#loadNewestAvailable}), then
 *       {@link #open} at that marker (the default instance when there is no snapshot) and
 *       {@link #readAll}, which returns the hard state and the entries after the snapshot, and
 *       truncates a torn tail. Nothing can be saved before {@code readAll}.
 *   <li>Per Ready: a snapshot first ({@link Snapshotter#save}, then {@link #saveSnapshot}), then
 *       {@link #save} with the hard state and entries; both return once the records are fsynced.
 *   <li>After a snapshot is saved, {@link #releaseTo} its index, so old segments can be deleted.
 *   <li>{@link #close} on shutdown. Any IOException from a write leaves the log unusable
 *       (etcd panics there): the member must stop, and restart recovers what was synced.
 * </ol>
 *
 * <p>Invariants: records reach the disk in the order they are saved; every call that appends
 * returns only after fdatasync; {@code lastIndex} is the index of the last entry saved (or of a
 * later snapshot marker), and saved entries continue from at most {@code lastIndex + 1}.
 */
public final class Wal implements Closeable {

    private enum Mode { READING, APPENDING, FAILED, CLOSED }

    private static final System.Logger LOG = System.getLogger(Wal.class.getName());

    private final Path dir;
    private final WalConfig config;
    private final DirectoryLock lock;
    private final SegmentAllocator allocator;
    /** Every segment file in the directory, in sequence order; the last one is the tail. */
    private final List<SegmentName> segments;
    /** Segments [0, releasedCount) hold only what a snapshot covers and may be deleted. */
    private int releasedCount;
    /** The snapshot marker {@code readAll} starts after. */
    private final SnapshotMetadata start;
    private Mode mode;
    private Metadata metadata;
    private FileChannel tail;
    private FrameEncoder encoder;
    /** Tail offset up to which the last fdatasync covered; nothing to sync when it is current. */
    private long syncedBytes;
    private long lastIndex;
    private HardState hardState = HardState.getDefaultInstance();
    private long fsyncCount;

    private Wal(Path dir, WalConfig config, DirectoryLock lock, List<SegmentName> segments,
            SnapshotMetadata start, Mode mode) {
        this.dir = dir;
        this.config = config;
        this.lock = lock;
        this.allocator = new SegmentAllocator(dir, config.segmentBytes(),
                config.preallocateExecutor());
        this.segments = segments;
        this.start = start;
        this.mode = mode;
    }

    /** Whether {@code dir} holds a log (any segment file). */
    public static boolean exists(Path dir) throws IOException {
        return Files.isDirectory(dir) && !SegmentName.list(dir).isEmpty();
    }

    /**
     * Creates a log in {@code dir} (absent or empty) ready for appending, with {@code metadata} at
     * the head of every segment and a marker for the empty snapshot (index 0, term 0). The
     * directory is built as {@code <dir>.tmp} and renamed, so it appears whole or not at all.
     */
    public static Wal create(Path dir, Metadata metadata, WalConfig config) throws IOException {
        if (exists(dir)) {
            throw new FileAlreadyExistsException(dir.toString(), null, "wal: a log exists there");
        }
        Path tmp = dir.resolveSibling(dir.getFileName() + ".tmp");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        DirectoryLock lock = DirectoryLock.acquire(tmp);
        SegmentName first = new SegmentName(0, 0);
        Wal wal = new Wal(dir, config, lock, new ArrayList<>(List.of(first)),
                SnapshotMetadata.getDefaultInstance(), Mode.APPENDING);
        try {
            Path file = tmp.resolve(first.fileName());
            SegmentAllocator.createZeroFilled(file, config.segmentBytes());
            wal.tail = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            wal.metadata = metadata;
            wal.encoder = new FrameEncoder(wal.tail, 0, 0);
            wal.encodeHead(first, true);
            wal.encoder.encode(RecordType.SNAPSHOT_MARKER, SnapshotMetadata.getDefaultInstance(),
                    true);
            wal.syncTail();
            if (Files.isDirectory(dir)) {
                Files.delete(dir);
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            Fsync.directory(dir.toAbsolutePath().getParent());
        } catch (IOException | RuntimeException e) {
            wal.releaseFiles();
            throw e;
        }
        wal.allocator.prepareAhead();
        return wal;
    }

    /**
     * Opens the log in {@code dir} to be read from {@code marker} (a snapshot marker saved in it;
     * the default instance for the empty snapshot). Takes the directory lock; call {@link #readAll}
     * next.
     */
    public static Wal open(Path dir, SnapshotMetadata marker, WalConfig config) throws IOException {
        List<SegmentName> names = SegmentName.list(dir);
        if (names.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "wal: no segment files");
        }
        DirectoryLock lock = DirectoryLock.acquire(dir);
        try {
            Files.deleteIfExists(dir.resolve(SegmentAllocator.SPARE_NAME));
            int from = startSegment(names, marker.getIndex());
            if (from < 0) {
                throw new WalSnapshotNotFoundException(dir, marker.getIndex(), marker.getTerm(),
                        "the segments that held it were released");
            }
            Wal wal = new Wal(dir, config, lock, new ArrayList<>(names), marker, Mode.READING);
            wal.releasedCount = from;
            return wal;
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Reads the log from the marker it was opened at, truncates a torn tail (package-info), and
     * makes the log ready for appending. Damage anywhere else is a {@link WalCorruptException}; a
     * marker that is not in the log is a {@link WalSnapshotNotFoundException}.
     */
    public RecoveredWal readAll() throws IOException {
        Invariants.check(mode == Mode.READING, "readAll in mode %s", mode);
        List<SegmentName> toRead = segments.subList(releasedCount, segments.size());
        LogReplay replay = LogReplay.read(dir, toRead, start, true);
        if (!replay.startFound()) {
            throw new WalSnapshotNotFoundException(dir, start.getIndex(), start.getTerm(),
                    "not in the segments from " + toRead.get(0).fileName() + " on");
        }
        Path tailPath = dir.resolve(tailName().fileName());
        FileChannel channel = FileChannel.open(tailPath, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            long stopBytes = replay.tailStopBytes();
            if (replay.tailStop() == SegmentReader.Stop.TORN
                    || channel.size() < config.segmentBytes()) {
                // Bytes of a batch whose fdatasync never returned: zero them (and restore the
                // preallocated size) so that no stale frame can follow what we append next.
                long endBytes = Math.max(channel.size(), config.segmentBytes());
                SegmentAllocator.writeZeros(channel, stopBytes, endBytes);
                channel.force(false);
                fsyncCount++;
            }
            tail = channel;
            encoder = new FrameEncoder(channel, stopBytes, replay.tailChainCrc());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        syncedBytes = encoder.positionBytes();
        metadata = replay.metadata();
        hardState = replay.hardState();
        lastIndex = replay.lastIndex();
        mode = Mode.APPENDING;
        allocator.prepareAhead();
        return new RecoveredWal(metadata, hardState,
                Collections.unmodifiableList(replay.entries()));
    }

    /**
     * Appends {@code entries} and, if it is not empty and differs from the last one saved,
     * {@code hardState}, then fdatasyncs once for the whole batch (group commit). Entries must be
     * consecutive and start at most one past the last saved index; starting lower overwrites the
     * suffix from there (a new leader's log wins). A call with nothing new does no I/O. Cuts a new
     * segment when the tail is full.
     */
    public void save(HardState state, List<Entry> entries) throws IOException {
        checkAppending();
        boolean writeState = !isEmpty(state) && !state.equals(hardState);
        if (!writeState && entries.isEmpty()) {
            return;
        }
        checkEntries(entries);
        Invariants.check(!writeState || state.getTerm() >= hardState.getTerm(),
                "hard state term went back from %d to %d", hardState.getTerm(), state.getTerm());
        Invariants.check(!writeState || state.getCommit() >= hardState.getCommit(),
                "hard state commit went back from %d to %d", hardState.getCommit(),
                state.getCommit());
        try {
            int last = entries.size() - 1;
            for (int i = 0; i <= last; i++) {
                encoder.encode(RecordType.ENTRY, entries.get(i), !writeState && i == last);
            }
            if (writeState) {
                encoder.encode(RecordType.HARD_STATE, state, true);
                hardState = state;
            }
            if (last >= 0) {
                lastIndex = entries.get(last).getIndex();
            }
            syncTail();
            maybeCut();
        } catch (IOException | RuntimeException e) {
            mode = Mode.FAILED;
            throw e;
        }
    }

    /**
     * Records that a snapshot at {@code marker} was saved (its file first, by the
     * {@link Snapshotter}), so a restart can find it; fdatasyncs before returning.
     */
    public void saveSnapshot(SnapshotMetadata marker) throws IOException {
        checkAppending();
        try {
            encoder.encode(RecordType.SNAPSHOT_MARKER, marker, true);
            lastIndex = Math.max(lastIndex, marker.getIndex());
            syncTail();
            maybeCut();
        } catch (IOException | RuntimeException e) {
            mode = Mode.FAILED;
            throw e;
        }
    }

    /** fdatasyncs anything appended and not yet synced; does no I/O when nothing is. */
    public void sync() throws IOException {
        checkAppending();
        try {
            syncTail();
        } catch (IOException e) {
            mode = Mode.FAILED;
            throw e;
        }
    }

    /**
     * Releases the segments that hold only what a snapshot at {@code index} covers: every segment
     * before the last one whose first index is below {@code index} (the tail is never released).
     * Then deletes released segments, oldest first, while more than {@code walFilesMax} remain
     * (etcd's ReleaseLockTo followed by its purge of {@code --max-wals}).
     */
    public void releaseTo(long index) throws IOException {
        checkAppending();
        int keep = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (segments.get(i).firstIndex() < index) {
                keep = i;
            }
        }
        releasedCount = Math.max(releasedCount, keep);
        int deleted = 0;
        while (config.walFilesMax() > 0 && segments.size() > config.walFilesMax()
                && releasedCount > 0) {
            Files.delete(dir.resolve(segments.get(0).fileName()));
            segments.remove(0);
            releasedCount--;
            deleted++;
        }
        if (deleted > 0) {
            Fsync.directory(dir);
        }
    }

    /** Syncs what is pending, then releases the files and the directory lock. Idempotent. */
    @Override
    public void close() throws IOException {
        if (mode == Mode.CLOSED) {
            return;
        }
        try {
            if (mode == Mode.APPENDING) {
                syncTail();
            }
        } finally {
            releaseFiles();
        }
    }

    /**
     * The snapshot markers in the log at {@code dir} whose index the log's last hard state has
     * committed, oldest first (etcd's ValidSnapshotEntries). A marker past the commit index may
     * belong to a snapshot that was never completed. Reads without the lock and changes nothing.
     */
    public static List<SnapshotMetadata> validSnapshotMarkers(Path dir) throws IOException {
        List<SegmentName> names = SegmentName.list(dir);
        if (names.isEmpty()) {
            throw new NoSuchFileException(dir.toString(), null, "wal: no segment files");
        }
        LogReplay replay = LogReplay.read(dir, names, SnapshotMetadata.getDefaultInstance(), false);
        long commit = replay.hardState().getCommit();
        List<SnapshotMetadata> valid = new ArrayList<>();
        for (SnapshotMetadata marker : replay.markers()) {
            if (marker.getIndex() <= commit) {
                valid.add(marker);
            }
        }
        return valid;
    }

    /** Index of the last entry saved, or of a later snapshot marker. */
    public long lastIndex() {
        return lastIndex;
    }

    /**
     * fdatasync calls made so far. Read on the raft loop; the server times {@link #save} around
     * it for etcd_disk_wal_fsync_duration_seconds.
     */
    public long fsyncCount() {
        return fsyncCount;
    }

    /** Bytes written to segments so far (etcd_disk_wal_write_bytes_total). Read on the raft loop. */
    public long writtenBytes() {
        return encoder == null ? 0 : encoder.writtenBytesTotal();
    }

    /** The tail segment's file: for tests that damage it. */
    Path tailPath() {
        return dir.resolve(tailName().fileName());
    }

    /** Offset in the tail just past the last record: for tests that damage it. */
    long tailBytes() {
        return encoder.positionBytes();
    }

    /** Segment files in the directory, oldest first. */
    List<SegmentName> segments() {
        return Collections.unmodifiableList(segments);
    }

    private SegmentName tailName() {
        return segments.get(segments.size() - 1);
    }

    private void checkAppending() {
        Invariants.check(mode == Mode.APPENDING, "wal %s is not appending (mode %s)", dir, mode);
    }

    private void checkEntries(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        long first = entries.get(0).getIndex();
        Invariants.check(first >= 1 && first <= lastIndex + 1,
                "entries start at %d, after last index %d", first, lastIndex);
        for (int i = 1; i < entries.size(); i++) {
            Invariants.check(entries.get(i).getIndex() == first + i,
                    "entry at position %d has index %d", i, entries.get(i).getIndex());
        }
    }

    private static boolean isEmpty(HardState state) {
        return state.getTerm() == 0 && state.getVote() == 0 && state.getCommit() == 0;
    }

    /**
     * Encodes a segment's head: its header, the metadata and the latest hard state. The last of
     * them carries the SYNC flag unless {@code moreFollow} (the caller adds records before
     * syncing).
     */
    private void encodeHead(SegmentName name, boolean moreFollow) throws IOException {
        SegmentHeader header = SegmentHeader.newBuilder().setSeq(name.seq())
                .setFirstIndex(name.firstIndex()).setPrevCrc(encoder.chainCrc()).build();
        encoder.encode(RecordType.SEGMENT_HEADER, header, false);
        boolean stateFollows = !isEmpty(hardState);
        encoder.encode(RecordType.METADATA, metadata, !stateFollows && !moreFollow);
        if (stateFollows) {
            encoder.encode(RecordType.HARD_STATE, hardState, !moreFollow);
        }
    }

    private void syncTail() throws IOException {
        encoder.flush();
        if (encoder.positionBytes() == syncedBytes) {
            return;
        }
        DiskMetrics.walWritten(Math.max(0, encoder.positionBytes() - syncedBytes));
        long startNanos = DiskMetrics.WAL_FSYNC.start();
        tail.force(false);
        long tookNanos = DiskMetrics.WAL_FSYNC.observe(startNanos);
        if (tookNanos > DiskMetrics.SLOW_FSYNC.toNanos()) {
            LOG.log(System.Logger.Level.WARNING, StructuredMessage.of("slow fdatasync",
                    "took", Duration.ofNanos(tookNanos),
                    "expected-duration", DiskMetrics.SLOW_FSYNC));
        }
        fsyncCount++;
        syncedBytes = encoder.positionBytes();
    }

    /**
     * Cuts a new segment once the tail reaches the segment size: seals the tail at its last record,
     * writes the next segment's head into the prepared spare, syncs it, renames it into place and
     * syncs the directory (etcd's cut). A crash at any step leaves either the old tail or the new
     * segment complete.
     */
    private void maybeCut() throws IOException {
        if (encoder.positionBytes() < config.segmentBytes()) {
            return;
        }
        tail.truncate(encoder.positionBytes());
        tail.force(false);
        fsyncCount++;
        SegmentName next = new SegmentName(tailName().seq() + 1, lastIndex + 1);
        Path spare = allocator.take();
        FileChannel channel = FileChannel.open(spare, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            encoder.retarget(channel, 0, encoder.chainCrc());
            encodeHead(next, false);
            encoder.flush();
            channel.force(false);
            fsyncCount++;
            Files.move(spare, dir.resolve(next.fileName()), StandardCopyOption.ATOMIC_MOVE);
            Fsync.directory(dir);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        tail.close();
        tail = channel;
        segments.add(next);
        syncedBytes = encoder.positionBytes();
        allocator.prepareAhead();
    }

    /** Finds the last segment whose first index is at or below {@code index}; -1 if none. */
    private static int startSegment(List<SegmentName> names, long index) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (Long.compareUnsigned(names.get(i).firstIndex(), index) <= 0) {
                return i;
            }
        }
        return -1;
    }

    private void releaseFiles() throws IOException {
        mode = Mode.CLOSED;
        try (lock) {
            if (tail != null) {
                tail.close();
            }
            allocator.close();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            Files.deleteIfExists(root);
            return;
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                deleteTree(child);
            }
        }
        Files.delete(root);
    }
}
