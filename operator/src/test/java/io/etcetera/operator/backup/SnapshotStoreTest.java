package io.etcetera.operator.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcetera.operator.etcd.SnapshotResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both stores: a whole file lands, a failed stream leaves nothing, delete removes it. */
class SnapshotStoreTest {

    @TempDir
    Path root;

    private static final byte[] CONTENT = bytes(70_000);

    private static byte[] bytes(int count) {
        byte[] b = new byte[count];
        new SplittableRandom(7).nextBytes(b);
        return b;
    }

    private static SnapshotStore.Source writing(byte[] content) {
        return out -> {
            out.write(content);
            return new SnapshotResult(42, content.length, SigV4.hex(SigV4.sha256(content)));
        };
    }

    private static SnapshotStore.Source failingAfterSomeBytes() {
        return out -> {
            out.write(CONTENT, 0, 1000);
            throw new IOException("stream broke");
        };
    }

    @Test
    void volumeStoreWritesTheWholeFileAtThePath() throws IOException {
        var store = new VolumeStore(root, "backups");
        var stored = store.write("daily/s1.db", writing(CONTENT));
        assertThat(Files.readAllBytes(root.resolve("backups/daily/s1.db"))).isEqualTo(CONTENT);
        assertThat(stored.location()).isEqualTo("file://backups/daily/s1.db");
        store.delete("daily/s1.db");
        assertThat(root.resolve("backups/daily/s1.db")).doesNotExist();
    }

    @Test
    void volumeStoreKeepsNothingOfAFailedStream() throws IOException {
        var store = new VolumeStore(root, "backups");
        assertThatThrownBy(() -> store.write("s2.db", failingAfterSomeBytes()))
                .hasMessageContaining("stream broke");
        try (var files = Files.list(root.resolve("backups"))) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void volumeStoreRefusesPathsOutsideTheClaim() {
        var store = new VolumeStore(root, "backups");
        assertThatThrownBy(() -> store.write("../other/x.db", writing(CONTENT)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void s3StoreUploadsASignedObjectAndDeletesIt() throws IOException {
        try (var server = new S3TestServer()) {
            var store = new S3Store(server.endpoint(), "bucket", new SigV4(S3TestServer.ACCESS_KEY,
                    S3TestServer.SECRET_KEY, "us-east-1"), InstantSource.system());
            var stored = store.write("etcd/s 1.db", writing(CONTENT));
            assertThat(stored.location()).isEqualTo("s3://bucket/etcd/s 1.db");
            assertThat(server.objects.get("/bucket/etcd/s%201.db")).isEqualTo(CONTENT);
            store.delete("etcd/s 1.db");
            assertThat(server.objects).isEmpty();
        }
    }

    @Test
    void s3StoreReportsARejectedSignature() throws IOException {
        try (var server = new S3TestServer()) {
            var store = new S3Store(server.endpoint(), "bucket",
                    new SigV4(S3TestServer.ACCESS_KEY, "wrong", "us-east-1"),
                    InstantSource.system());
            assertThatThrownBy(() -> store.write("x.db", writing(CONTENT)))
                    .hasMessageContaining("HTTP 403");
            assertThat(server.objects).isEmpty();
        }
    }

    @Test
    void destinationPathsNameAFileOrADirectory() {
        assertThat(SnapshotStore.pathFor("daily", "s1")).isEqualTo("daily/s1.db");
        assertThat(SnapshotStore.pathFor("daily/", "s1")).isEqualTo("daily/s1.db");
        assertThat(SnapshotStore.pathFor("exact.db", "s1")).isEqualTo("exact.db");
        assertThat(SnapshotStore.pathFor(null, "s1")).isEqualTo("s1.db");
    }
}
