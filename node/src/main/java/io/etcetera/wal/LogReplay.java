package io.etcetera.wal;

import io.etcetera.invariants.Invariants;
import io.etcetera.invariants.Verify;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.HardState;
import io.etcetera.raft.pb.SnapshotMetadata;
import io.etcetera.wal.pb.Metadata;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays the records of consecutive segments, oldest first, into what a restarted member needs:
 * metadata, the latest hard state, the entries after a snapshot marker (the later record winning
 * where a new leader overwrote a suffix), every snapshot marker, and where the last segment's valid
 * records end. Read-only: it never changes a file. Confined to one thread; used once.
 *
 * <p>Invariant: {@code entries.get(k).getIndex() == start.getIndex() + 1 + k}.
 */
final class LogReplay {

    private final Path dir;
    /** Entries at or below this marker's index are covered by the snapshot and skipped. */
    private final SnapshotMetadata start;
    /**
     * False when only markers and the hard state matter (listing valid markers): entries are then
     * not even parsed, and {@code lastIndex} counts markers only.
     */
    private final boolean keepEntries;
    private final List<Entry> entries = new ArrayList<>();
    private final List<SnapshotMetadata> markers = new ArrayList<>();
    private Metadata metadata;
    private HardState hardState = HardState.getDefaultInstance();
    private boolean startFound;
    private long lastIndex;
    private long tailStopBytes;
    private SegmentReader.Stop tailStop;
    private int tailChainCrc;

    private LogReplay(Path dir, SnapshotMetadata start, boolean keepEntries) {
        this.dir = dir;
        this.start = start;
        this.keepEntries = keepEntries;
    }

    /**
     * Reads {@code segments} (consecutive, the last one the log's tail) from the first. With
     * {@code keepEntries}, collects the entries after {@code start} and checks that the marker
     * for {@code start} is in them with the same term.
     */
    static LogReplay read(Path dir, List<SegmentName> segments, SnapshotMetadata start,
            boolean keepEntries) throws IOException {
        LogReplay replay = new LogReplay(dir, start, keepEntries);
        Integer prevCrc = null;
        for (int i = 0; i < segments.size(); i++) {
            SegmentName name = segments.get(i);
            Path path = dir.resolve(name.fileName());
            if (i > 0 && name.seq() != segments.get(i - 1).seq() + 1) {
                throw new WalCorruptException(path, 0, String.format(
                        "segment sequence gap: %d follows %d", name.seq(),
                        segments.get(i - 1).seq()));
            }
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                SegmentReader reader = new SegmentReader(path, channel);
                reader.readHeader(name, prevCrc);
                while (reader.next()) {
                    replay.apply(reader);
                }
                boolean last = i == segments.size() - 1;
                SegmentReader.Stop stop = reader.classifyStop(last);
                prevCrc = reader.chainCrc();
                if (last) {
                    replay.tailStop = stop;
                    replay.tailStopBytes = reader.positionBytes();
                    replay.tailChainCrc = reader.chainCrc();
                }
            }
        }
        if (Verify.enabled()) {
            replay.verifyEntries();
        }
        return replay;
    }

    private void apply(SegmentReader reader) throws IOException {
        switch (reader.type()) {
            case ENTRY -> {
                if (keepEntries) {
                    applyEntry(reader.parse(Entry.parser()), reader);
                }
            }
            case HARD_STATE -> hardState = reader.parse(HardState.parser());
            case SNAPSHOT_MARKER -> applyMarker(reader.parse(SnapshotMetadata.parser()));
            case METADATA -> {
                Metadata read = reader.parse(Metadata.parser());
                if (metadata != null && !metadata.equals(read)) {
                    throw reader.corrupt(reader.frameOffset(), "metadata ("
                            + read.toString().trim() + ") differs from earlier segments ("
                            + metadata.toString().trim() + ")");
                }
                metadata = read;
            }
            case SEGMENT_HEADER -> throw reader.corrupt(reader.frameOffset(),
                    "segment header in the middle of a segment");
        }
    }

    private void applyEntry(Entry entry, SegmentReader reader) throws WalCorruptException {
        long index = entry.getIndex();
        if (index > start.getIndex()) {
            long offset = index - start.getIndex() - 1;
            if (offset > entries.size()) {
                throw reader.corrupt(reader.frameOffset(), String.format(
                        "entry %d leaves a gap after entry %d", index,
                        start.getIndex() + entries.size()));
            }
            entries.subList((int) offset, entries.size()).clear();
            entries.add(entry);
        }
        lastIndex = index;
    }

    private void verifyEntries() {
        for (int k = 0; k < entries.size(); k++) {
            Invariants.check(entries.get(k).getIndex() == start.getIndex() + 1 + k,
                    "replayed entry %d has index %d", k, entries.get(k).getIndex());
        }
    }

    private void applyMarker(SnapshotMetadata marker) throws WalSnapshotNotFoundException {
        markers.add(marker);
        if (keepEntries && marker.getIndex() == start.getIndex()) {
            if (marker.getTerm() != start.getTerm()) {
                throw new WalSnapshotNotFoundException(dir, start.getIndex(), start.getTerm(),
                        "the marker at that index has term " + marker.getTerm());
            }
            startFound = true;
        }
        lastIndex = Math.max(lastIndex, marker.getIndex());
    }

    Metadata metadata() {
        return metadata;
    }

    HardState hardState() {
        return hardState;
    }

    /** The entries after the start marker, in index order. */
    List<Entry> entries() {
        return entries;
    }

    /** Every snapshot marker read, in log order. */
    List<SnapshotMetadata> markers() {
        return markers;
    }

    boolean startFound() {
        return startFound;
    }

    /** Index of the last entry in the log (or of a later snapshot marker). */
    long lastIndex() {
        return lastIndex;
    }

    /** Offset in the last segment just past its last valid record: where appending resumes. */
    long tailStopBytes() {
        return tailStopBytes;
    }

    SegmentReader.Stop tailStop() {
        return tailStop;
    }

    /** Record CRC of the last valid record: the chain the next record continues. */
    int tailChainCrc() {
        return tailChainCrc;
    }
}
