package io.etcetera.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcetera.config.EtcdConfig;
import io.etcetera.wal.WalCorruptException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A member in this JVM on real files and a real RocksDB (no client port): writes survive restarts
 * across snapshots and WAL releases, stop leaves no thread behind, and damaged data stops the
 * member with a message that names the damage.
 */
class MemberTest {

    private static final Executor ON_CALLER = Runnable::run;
    private static final int KEYS = 400;

    @TempDir
    Path dir;

    private EtcdConfig config() {
        // A free peer port: a member listens on its peer URLs even when alone, as etcd does.
        return EtcdConfig.of("--data-dir", dir.resolve("data").toString(),
                "--listen-peer-urls", "http://127.0.0.1:0");
    }

    /** Snapshots every 50 entries, keeps 10 below, 16 KiB WAL segments, 2 kept. */
    private ServerSettings smallLog(EtcdConfig config) {
        ServerSettings etcd = ServerSettings.of(config).withLogSizes(50, 10, 16 * 1024);
        return new ServerSettings(etcd.tickMillis(), etcd.electionTicks(), etcd.snapshotCount(),
                etcd.catchUpEntries(), etcd.quotaBackendBytes(), etcd.maxRequestBytes(),
                etcd.walSegmentBytes(), 2, 2, etcd.autoCompaction());
    }

    private static long put(Member member, String key, String value) {
        return member.kv().put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value)).build()).join().getHeader().getRevision();
    }

    private static RangeResponse get(Member member, String key) {
        return member.kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .build(), ON_CALLER).join();
    }

    @Test
    void writesSurviveRestartsAcrossSnapshotsAndWalReleases() throws Exception {
        EtcdConfig config = config();
        ServerSettings settings = smallLog(config);
        String value = "v".repeat(200);
        long lastRevision;
        try (Member member = Member.start(config, settings, InstantSource.system())) {
            for (int i = 0; i < KEYS; i++) {
                assertThat(put(member, "key" + i, value + i)).isEqualTo(i + 2);
            }
            lastRevision = KEYS + 1;
        }
        DataDir dataDir = DataDir.of(config);
        assertThat(files(dataDir.snap(), ".snap")).as("snapshots, at most --max-snapshots")
                .hasSize(2);
        assertThat(files(dataDir.wal(), ".wal")).as("released WAL segments were deleted")
                .hasSizeLessThanOrEqualTo(3);
        try (Member member = Member.start(config, settings, InstantSource.system())) {
            for (int i = 0; i < KEYS; i++) {
                RangeResponse found = get(member, "key" + i);
                assertThat(found.getKvs(0).getValue().toStringUtf8()).isEqualTo(value + i);
                assertThat(found.getKvs(0).getModRevision()).isEqualTo(i + 2);
            }
            assertThat(put(member, "after-restart", "x")).as("no gap, no reuse")
                    .isEqualTo(lastRevision + 1);
            assertThat(member.memberId()).isEqualTo(0x8e9e05c52164694dL);
            assertThat(member.cluster().memberList().getMembers(0).getName()).isEqualTo("default");
        }
    }

    @Test
    void stopLeavesNoThreadBehind() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Member member = Member.start(config());
        put(member, "a", "1");
        assertThat(get(member, "a").getCount()).isEqualTo(1);
        assertThat(member.maintenance().hashKv(0).join().getHash()).isNotZero();
        assertThat(liveThreadNames()).contains(Member.RAFT_THREAD, Member.SERVER_THREAD,
                Member.APPLY_THREAD, Member.COMPACTOR_THREAD, Member.MAINTENANCE_THREAD);
        assertThat(member.stop()).isZero();
        // The JDK's own daemons (its "system" group, e.g. the process reaper that loading
        // RocksDB's native library starts) are not the member's.
        Set<Thread> left = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> !before.contains(thread) && thread.isAlive())
                .filter(thread -> thread.getThreadGroup() == null
                        || !thread.getThreadGroup().getName().equals("system"))
                .collect(Collectors.toSet());
        assertThat(left).as("threads started by the member and still alive").isEmpty();
    }

    @Test
    void aWalDamagedBeforeItsTailStopsTheStartNamingFileAndOffset() throws Exception {
        EtcdConfig config = config();
        try (Member member = Member.start(config)) {
            for (int i = 0; i < 20; i++) {
                put(member, "key" + i, "value" + i);
            }
        }
        Path segment = files(DataDir.of(config).wal(), ".wal").get(0);
        try (RandomAccessFile file = new RandomAccessFile(segment.toFile(), "rw")) {
            file.seek(200); // inside an early record: many synced records follow it
            file.write(~file.read());
        }
        assertThatThrownBy(() -> Member.start(config))
                .isInstanceOf(WalCorruptException.class)
                .hasMessageContaining(segment.toString())
                .hasMessageContaining("byte offset")
                .hasMessageContaining("delete its data directory");
    }

    @Test
    void missingPeerTlsFilesStopTheStartBeforeTheDataDirIsMade() {
        EtcdConfig config = EtcdConfig.of("--data-dir", dir.resolve("data").toString(),
                "--listen-peer-urls", "https://127.0.0.1:0",
                "--initial-advertise-peer-urls", "https://127.0.0.1:2380",
                "--initial-cluster", "default=https://127.0.0.1:2380",
                "--peer-cert-file", dir.resolve("peer.pem").toString(),
                "--peer-key-file", dir.resolve("peer-key.pem").toString());
        assertThatThrownBy(() -> Member.start(config))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("open " + dir.resolve("peer-key.pem")
                        + ": no such file or directory");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aStoreOlderThanTheRaftSnapshotIsRefused() throws Exception {
        EtcdConfig config = config();
        ServerSettings settings = smallLog(config);
        try (Member member = Member.start(config, settings, InstantSource.system())) {
            for (int i = 0; i < 120; i++) {
                put(member, "key" + i, "value");
            }
        }
        SnapshotStream.deleteTree(DataDir.of(config).db());
        assertThatThrownBy(() -> Member.start(config, settings, InstantSource.system()))
                .hasMessageContaining("older than the Raft snapshot")
                .hasMessageContaining("Do not restart this member on this data");
    }

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> listing = Files.list(dir)) {
            return listing.filter(path -> path.toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static Set<String> liveThreadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
