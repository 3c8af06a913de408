package io.etcetera.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** The RocksDB backend on real files: atomic multi-family writes, snapshots, full compaction. */
class RocksBackendTest {

    @TempDir Path directory;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static BackendConfig small() {
        return new BackendConfig(1 << 20, 1 << 20, 1);
    }

    @Test
    void writeSetLandsInEveryFamilyAndSurvivesReopen() {
        try (RocksBackend backend = RocksBackend.open(directory, small());
                WriteSet writes = backend.newWriteSet()) {
            for (Family family : Family.values()) {
                writes.put(family, bytes("k"), bytes(family.name()));
            }
            writes.delete(Family.KEY, bytes("absent"));
            assertThat(writes.operationCount()).isEqualTo(Family.values().length + 1);
            backend.write(writes);
        }
        try (RocksBackend backend = RocksBackend.open(directory, small())) {
            for (Family family : Family.values()) {
                assertThat(backend.get(family, bytes("k"))).isEqualTo(bytes(family.name()));
            }
        }
    }

    @Test
    void snapshotAndCursorKeepTheirMoment() {
        try (RocksBackend backend = RocksBackend.open(directory, small())) {
            put(backend, "a", "1");
            try (BackendSnapshot snapshot = backend.snapshot();
                    Cursor cursor = backend.cursor(Family.KEY)) {
                put(backend, "a", "2");
                put(backend, "b", "2");
                assertThat(backend.get(Family.KEY, bytes("a"), snapshot)).isEqualTo(bytes("1"));
                assertThat(backend.get(Family.KEY, bytes("b"), snapshot)).isNull();
                cursor.seek(new byte[0]);
                assertThat(cursor.key()).isEqualTo(bytes("a"));
                assertThat(cursor.value()).isEqualTo(bytes("1"));
                assertThat(cursor.valueLength()).isEqualTo(1);
                cursor.next();
                assertThat(cursor.isValid()).isFalse();
                try (Cursor later = backend.cursor(Family.KEY, snapshot)) {
                    later.seek(bytes("b"));
                    assertThat(later.isValid()).isFalse();
                }
            }
            assertThat(backend.get(Family.KEY, bytes("a"))).isEqualTo(bytes("2"));
            assertThat(backend.lastKey(Family.KEY)).isEqualTo(bytes("b"));
        }
    }

    @Test
    void compactAllDropsDeletedDataFromDisk() {
        try (RocksBackend backend = RocksBackend.open(directory, small())) {
            SplittableRandom random = new SplittableRandom(1);
            try (WriteSet writes = backend.newWriteSet()) {
                for (int i = 0; i < 5000; i++) {
                    byte[] value = new byte[1000];
                    random.nextBytes(value); // incompressible, so sizes are real
                    writes.put(Family.KEY, bytes("key" + i), value);
                }
                backend.write(writes);
            }
            backend.flush();
            long full = backend.totalSizeBytes();
            try (WriteSet writes = backend.newWriteSet()) {
                for (int i = 0; i < 5000; i++) {
                    writes.delete(Family.KEY, bytes("key" + i));
                }
                backend.write(writes);
            }
            backend.compactAll();
            assertThat(full).isGreaterThan(1_000_000);
            assertThat(backend.totalSizeBytes()).isLessThan(full / 10);
            assertThat(backend.liveSizeBytes()).isLessThanOrEqualTo(backend.totalSizeBytes());
        }
    }

    @Test
    void sizeGrowsWithEveryWriteAndIsExactAgainAfterAFlush() {
        try (RocksBackend backend = RocksBackend.open(directory, small())) {
            long empty = backend.totalSizeBytes();
            for (int i = 0; i < 3; i++) {
                long before = backend.totalSizeBytes();
                try (WriteSet writes = backend.newWriteSet()) {
                    writes.put(Family.KEY, bytes("key" + i), new byte[10_000]);
                    backend.write(writes);
                }
                assertThat(backend.totalSizeBytes()).isGreaterThanOrEqualTo(before + 10_000);
            }
            backend.flush(); // memtables become SST files: the exact size, compressed zeros
            assertThat(backend.totalSizeBytes()).isGreaterThan(empty)
                    .isLessThan(empty + 30_000);
        }
    }

    private static void put(RocksBackend backend, String key, String value) {
        try (WriteSet writes = backend.newWriteSet()) {
            writes.put(Family.KEY, bytes(key), bytes(value));
            backend.write(writes);
        }
    }
}
