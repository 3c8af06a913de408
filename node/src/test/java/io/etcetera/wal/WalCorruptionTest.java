package io.etcetera.wal;

import static io.etcetera.wal.WalTest.METADATA;
import static io.etcetera.wal.WalTest.entries;
import static io.etcetera.wal.WalTest.ids;
import static io.etcetera.wal.WalTest.reopen;
import static io.etcetera.wal.WalTest.state;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.raft.pb.SnapshotMetadata;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Damage before the tail is never mistaken for a torn write: opening fails with an error that names
 * the file, the byte offset of the damaged record, and what the operator must do.
 */
class WalCorruptionTest {

    /** Where in a record, and how, the bytes are damaged. */
    enum Damage {
        PAYLOAD_BYTE(Frame.HEADER_BYTES + 3, 1),
        LENGTH_BYTE(Frame.PAYLOAD_BYTES_AT, 1),
        TYPE_BYTE(Frame.TYPE_AT, 1),
        RECORD_CRC_BYTE(Frame.RECORD_CRC_AT + 1, 1),
        /** The header zeroed: it reads like the end of the data, yet synced records follow. */
        ZEROED_HEADER(0, -Frame.HEADER_BYTES);

        /** Offset within the record. */
        final int at;
        /** Positive: flip that many bytes; negative: zero that many. */
        final int bytes;

        Damage(int at, int bytes) {
            this.at = at;
            this.bytes = bytes;
        }
    }

    /** Where one save's records lie. */
    record Span(Path file, long startBytes, long endBytes) {

        Span in(Path dir) {
            return new Span(dir.resolve(file.getFileName()), startBytes, endBytes);
        }
    }

    private static final WalConfig CONFIG = WalConfig.DEFAULT.withSegmentBytes(8192);
    private static final int SAVES = 50;

    /** The log every test damages a copy of, written once. */
    @TempDir
    static Path original;
    /** originalSpans.get(k) holds save k's records (entry k + 1 and the hard state). */
    private static final List<Span> originalSpans = new ArrayList<>();

    @TempDir
    Path tmp;
    private Path dir;
    private List<Span> spans;

    @BeforeAll
    static void writeLog() throws IOException {
        Path dir = original.resolve("wal");
        try (Wal wal = Wal.create(dir, METADATA, CONFIG)) {
            for (int k = 0; k < SAVES; k++) {
                long start = wal.tailBytes();
                Path before = wal.tailPath();
                wal.save(state(1, 1, k), entries(k + 1, k + 1, 1));
                if (wal.tailPath().equals(before)) {
                    originalSpans.add(new Span(before, start, wal.tailBytes()));
                } else {
                    originalSpans.add(new Span(before, start, Files.size(before)));
                }
            }
        }
        assertThat(SegmentName.list(dir)).hasSizeGreaterThan(2);
    }

    @BeforeEach
    void copyLog() throws IOException {
        dir = WalTornTailTest.copyOf(original.resolve("wal"), tmp.resolve("wal"));
        spans = originalSpans.stream().map(span -> span.in(dir)).toList();
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damageInTheMiddleOfTheLastSegmentIsFatal(Damage damage) throws IOException {
        Path tail = spans.get(SAVES - 1).file();
        Span victim = middleSpanOf(tail);

        damage(victim.file(), victim.startBytes() + damage.at, damage.bytes);

        assertCorruptAt(victim);
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void damageInASegmentThatIsNotTheLastIsFatal(Damage damage) throws IOException {
        Span victim = middleSpanOf(spans.get(0).file());

        damage(victim.file(), victim.startBytes() + damage.at, damage.bytes);

        assertCorruptAt(victim);
    }

    @Test
    void aZeroedSectorInTheMiddleIsFatal() throws IOException {
        Span victim = middleSpanOf(spans.get(SAVES - 1).file());
        long sector = victim.startBytes() & -512L;

        WalTornTailTest.writeZeros(victim.file(), sector, sector + 512);

        assertThatThrownBy(() -> reopen(dir, SnapshotMetadata.getDefaultInstance(), CONFIG))
                .isInstanceOf(WalCorruptException.class)
                .hasMessageContaining(victim.file().toString())
                .hasMessageContaining("etcdctl member remove");
    }

    @Test
    void aMissingSegmentIsFatal() throws IOException {
        List<SegmentName> names = SegmentName.list(dir);
        Files.delete(dir.resolve(names.get(1).fileName()));

        assertThatThrownBy(() -> reopen(dir, SnapshotMetadata.getDefaultInstance(), CONFIG))
                .isInstanceOf(WalCorruptException.class)
                .hasMessageContaining("segment sequence gap: 2 follows 0");
    }

    @Test
    void damageInTheLastSyncedBatchCannotBeToldFromATornWriteAndIsTruncated() throws IOException {
        Span last = spans.get(SAVES - 1);

        damage(last.file(), last.startBytes() + Frame.HEADER_BYTES + 3, 1);

        RecoveredWal recovered = reopen(dir, SnapshotMetadata.getDefaultInstance(), CONFIG);
        assertThat(ids(recovered.entries())).isEqualTo(ids(entries(1, SAVES - 1, 1)));
    }

    private void assertCorruptAt(Span victim) {
        assertThatThrownBy(() -> reopen(dir, SnapshotMetadata.getDefaultInstance(), CONFIG))
                .isInstanceOfSatisfying(WalCorruptException.class, e -> {
                    assertThat(e.file()).isEqualTo(victim.file());
                    assertThat(e.offsetBytes()).isEqualTo(victim.startBytes());
                })
                .hasMessageContaining(victim.file().toString())
                .hasMessageContaining("at byte offset " + victim.startBytes())
                .hasMessageContaining("etcdctl member remove");
    }

    /** A save in the middle of {@code file}, with several saves after it in the same file. */
    private Span middleSpanOf(Path file) {
        List<Span> inFile = spans.stream().filter(s -> s.file().equals(file)).toList();
        assertThat(inFile).hasSizeGreaterThan(4);
        return inFile.get(inFile.size() / 2);
    }

    private static void damage(Path file, long at, int bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(Math.abs(bytes));
            channel.read(buffer, at);
            for (int i = 0; i < buffer.capacity(); i++) {
                buffer.put(i, bytes > 0 ? (byte) ~buffer.get(i) : 0);
            }
            buffer.clear();
            channel.write(buffer, at);
        }
    }
}
