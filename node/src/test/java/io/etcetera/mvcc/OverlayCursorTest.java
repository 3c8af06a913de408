package io.etcetera.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.backend.BackendConfig;
import io.etcetera.backend.Cursor;
import io.etcetera.backend.Family;
import io.etcetera.backend.RocksBackend;
import io.etcetera.backend.WriteSet;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/** The overlay cursor against a TreeMap of what the merged family must look like. */
class OverlayCursorTest {

    @TempDir Path directory;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void overlayReadsAsPendingWritesAppliedOverTheBase(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        TreeMap<byte[], byte[]> expected = new TreeMap<>(Arrays::compareUnsigned);
        try (RocksBackend backend =
                RocksBackend.open(directory, new BackendConfig(1 << 20, 1 << 20, 1))) {
            try (WriteSet writes = backend.newWriteSet()) {
                for (int i = 0; i < 30; i++) {
                    byte[] key = randomKey(random);
                    writes.put(Family.LEASE, key, new byte[] {1});
                    expected.put(key, new byte[] {1});
                }
                backend.write(writes);
            }
            PendingWrites pending = new PendingWrites();
            try (Cursor base = backend.cursor(Family.LEASE)) {
                for (int round = 0; round < 40; round++) {
                    byte[] key = randomKey(random);
                    if (random.nextBoolean()) {
                        byte[] value = {(byte) (2 + random.nextInt(100))};
                        pending.put(key, value);
                        expected.put(key, value);
                    } else {
                        pending.delete(key);
                        expected.remove(key);
                    }
                    byte[] from = randomKey(random);
                    assertThat(scan(new OverlayCursor(pending, base), from))
                            .isEqualTo(render(expected.tailMap(from, true)));
                }
            }
        }
    }

    private static byte[] randomKey(SplittableRandom random) {
        byte[] key = new byte[1 + random.nextInt(2)];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (random.nextInt(6) * 50);
        }
        return key;
    }

    private static List<String> scan(Cursor cursor, byte[] from) {
        List<String> out = new ArrayList<>();
        for (cursor.seek(from); cursor.isValid(); cursor.next()) {
            assertThat(cursor.valueLength()).isEqualTo(cursor.value().length);
            out.add(Arrays.toString(cursor.key()) + "=" + Arrays.toString(cursor.value()));
        }
        return out;
    }

    private static List<String> render(Map<byte[], byte[]> entries) {
        List<String> out = new ArrayList<>();
        entries.forEach((k, v) -> out.add(Arrays.toString(k) + "=" + Arrays.toString(v)));
        return out;
    }
}
