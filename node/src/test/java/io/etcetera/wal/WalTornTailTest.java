package io.etcetera.wal;

import static io.etcetera.wal.WalTest.METADATA;
import static io.etcetera.wal.WalTest.entries;
import static io.etcetera.wal.WalTest.ids;
import static io.etcetera.wal.WalTest.reopen;
import static io.etcetera.wal.WalTest.state;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A crash while the last batch is written leaves a torn tail; opening truncates exactly that and
 * keeps everything before it, and the log then takes new records.
 */
class WalTornTailTest {

    /** How the tail is cut at an offset. */
    enum Damage {
        /** The file ends there (the write never extended it). */
        TRUNCATE,
        /** Zeros from there on (the preallocated space was never overwritten). */
        ZERO
    }

    private static final WalConfig CONFIG = WalConfig.DEFAULT.withSegmentBytes(16384);
    /** Appending after the repair is checked at every this many cut offsets (it costs fsyncs). */
    private static final int APPEND_CHECK_EVERY_OFFSETS = 7;

    @TempDir
    Path tmp;

    @ParameterizedTest
    @EnumSource(Damage.class)
    void cuttingTheLastRecordAtEveryByteOffsetRecoversTheRecordsBeforeIt(Damage damage)
            throws IOException {
        Path original = tmp.resolve("original");
        Entry last = smallEntry(9, 1);
        long lastStart;
        long lastEnd;
        String tailName;
        try (Wal wal = Wal.create(original, METADATA, CONFIG)) {
            wal.save(state(1, 1, 1), entries(1, 5, 1));
            wal.save(state(1, 1, 3), entries(6, 8, 1));
            lastStart = wal.tailBytes();
            wal.save(state(1, 1, 3), List.of(last));
            lastEnd = wal.tailBytes();
            tailName = wal.tailPath().getFileName().toString();
        }
        // Zeroing the padding after the payload changes nothing: the padding is zeros already.
        long damagedEnd = damage == Damage.TRUNCATE ? lastEnd
                : lastStart + Frame.HEADER_BYTES + last.getSerializedSize();
        assertThat(damagedEnd - lastStart).isGreaterThan(60);

        for (long cut = lastStart; cut < lastEnd; cut++) {
            Path copy = copyOf(original, tmp.resolve("cut-" + damage + "-" + cut));
            damage(copy.resolve(tailName), damage, cut, lastEnd);
            List<Entry> expected = new ArrayList<>(entries(1, 8, 1));
            if (cut >= damagedEnd) {
                expected.add(last);
            }

            try (Wal wal = Wal.open(copy, SnapshotMetadata.getDefaultInstance(), CONFIG)) {
                RecoveredWal recovered = wal.readAll();
                assertThat(ids(recovered.entries())).as("cut at %d", cut).isEqualTo(ids(expected));
                assertThat(recovered.hardState()).isEqualTo(state(1, 1, 3));
                if (cut % APPEND_CHECK_EVERY_OFFSETS == 0) {
                    wal.save(state(2, 2, 3), List.of(smallEntry(9, 2)));
                    expected.subList(8, expected.size()).clear();
                    expected.add(smallEntry(9, 2));
                }
            }
            assertThat(ids(reopen(copy, SnapshotMetadata.getDefaultInstance(), CONFIG).entries()))
                    .as("reopened after repairing a cut at %d", cut).isEqualTo(ids(expected));
            deleteTree(copy);
        }
    }

    @Test
    void aTornBatchWhoseLaterSectorsReachedTheDiskKeepsOnlyTheRecordsBeforeTheHole()
            throws IOException {
        Path dir = tmp.resolve("wal");
        List<Entry> batch = new ArrayList<>();
        for (long index = 6; index <= 25; index++) {
            batch.add(smallEntry(index, 1));
        }
        long batchStart;
        Path tail;
        try (Wal wal = Wal.create(dir, METADATA, CONFIG)) {
            wal.save(state(1, 1, 2), entries(1, 5, 1));
            batchStart = wal.tailBytes();
            wal.save(state(1, 1, 5), batch);
            tail = wal.tailPath();
        }
        // The sector 1 KiB into the batch never reached the disk; those after it did.
        long holeStart = (batchStart + 1024) & -512L;
        writeZeros(tail, holeStart, holeStart + 512);
        long recordEnd = batchStart;
        int survivors = 0;
        while (recordEnd + Frame.frameBytes(batch.get(survivors).getSerializedSize())
                <= holeStart) {
            recordEnd += Frame.frameBytes(batch.get(survivors).getSerializedSize());
            survivors++;
        }

        RecoveredWal recovered = reopen(dir, SnapshotMetadata.getDefaultInstance(), CONFIG);

        assertThat(survivors).isBetween(1, batch.size() - 2);
        List<Entry> expected = new ArrayList<>(entries(1, 5, 1));
        expected.addAll(batch.subList(0, survivors));
        assertThat(ids(recovered.entries())).isEqualTo(ids(expected));
        assertThat(recovered.hardState()).isEqualTo(state(1, 1, 2));
    }

    /** An entry of about 60 bytes, so cutting it at every offset stays quick. */
    private static Entry smallEntry(long index, long term) {
        byte[] data = new byte[48];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (index * 31 + term * 7 + i);
        }
        return Entry.newBuilder().setIndex(index).setTerm(term).setData(ByteString.copyFrom(data))
                .build();
    }

    private static void damage(Path file, Damage damage, long cut, long end) throws IOException {
        if (damage == Damage.TRUNCATE) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(cut);
            }
        } else {
            writeZeros(file, cut, end);
        }
    }

    static void writeZeros(Path file, long from, long to) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ByteBuffer zeros = ByteBuffer.allocate((int) (to - from));
            while (zeros.hasRemaining()) {
                channel.write(zeros, from + zeros.position());
            }
        }
    }

    static Path copyOf(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }
}
