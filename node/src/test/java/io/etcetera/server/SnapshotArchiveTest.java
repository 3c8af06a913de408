package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The snapshot archive: its size is a multiple of 512 (etcdctl's check), it unpacks to the same
 * files, a truncated archive is refused, and restore refuses a file whose trailing SHA-256 does not
 * match its content.
 */
class SnapshotArchiveTest {

    @TempDir
    Path dir;

    @Test
    void filesGoThroughAnArchiveUnchanged() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 4; i++) {
            byte[] content = new byte[random.nextInt(0, 100_000)];
            random.nextBytes(content);
            Files.write(source.resolve("file-" + i + ".sst"), content);
        }
        byte[] archive = read(SnapshotArchive.of(source));
        assertThat(archive.length % SnapshotArchive.SECTOR_BYTES).isZero();
        assertThat(archive.length).isEqualTo(SnapshotArchive.of(source).totalBytes());

        Path target = dir.resolve("target");
        SnapshotArchive.unpack(new ByteArrayInputStream(archive), target);
        try (var files = Files.list(source)) {
            for (Path file : files.toList()) {
                assertThat(target.resolve(file.getFileName())).hasSameBinaryContentAs(file);
            }
        }
        assertThatThrownBy(() -> SnapshotArchive.unpack(new ByteArrayInputStream(
                Arrays.copyOf(archive, archive.length / 2)), dir.resolve("truncated")))
                .isInstanceOf(IOException.class).hasMessageContaining("truncated");
    }

    @Test
    void restoreChecksTheTrailingHash() throws Exception {
        Path source = Files.createDirectories(dir.resolve("source"));
        Files.writeString(source.resolve("a"), "content");
        byte[] archive = read(SnapshotArchive.of(source));
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(archive);
        Path good = dir.resolve("good.snapshot");
        Files.write(good, concat(archive, hash));
        assertThat(SnapshotRestore.checkHash(good, false)).isEqualTo(archive.length);

        archive[10] ^= 1;
        Path bad = dir.resolve("bad.snapshot");
        Files.write(bad, concat(archive, hash));
        assertThatThrownBy(() -> SnapshotRestore.checkHash(bad, false))
                .hasMessageStartingWith("expected sha256 [" + (hash[0] & 0xFF) + " ");
        assertThat(SnapshotRestore.checkHash(bad, true)).as("--skip-hash-check takes it whole")
                .isEqualTo(archive.length + hash.length);
    }

    private static byte[] read(SnapshotArchive.Source source) throws IOException {
        try (InputStream in = source.open()) {
            return in.readAllBytes();
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
