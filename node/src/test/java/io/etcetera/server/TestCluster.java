package io.etcetera.server;

import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcetera.config.EtcdConfig;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.UnaryOperator;

/**
 * Members of one cluster in this JVM, each on its own data dir and free loopback peer port, with
 * short Raft timing (20 ms heartbeats, 200 ms election timeout): for tests of replication,
 * membership and snapshots without processes. Owned by one test.
 */
final class TestCluster implements AutoCloseable {

    static final Executor ON_CALLER = Runnable::run;
    static final Duration ELECTION_WAIT = Duration.ofSeconds(20);
    static final long WAL_SEGMENT_BYTES = 1 << 20;

    private final Path dir;
    private final UnaryOperator<ServerSettings> tune;
    final List<String> names = new ArrayList<>();
    final List<Integer> peerPorts = new ArrayList<>();
    final List<Member> members = new ArrayList<>();

    private TestCluster(Path dir, UnaryOperator<ServerSettings> tune) {
        this.dir = dir;
        this.tune = tune;
    }

    /** {@code size} members bootstrapped together, started, with a leader elected. */
    static TestCluster start(Path dir, int size, UnaryOperator<ServerSettings> tune)
            throws IOException {
        TestCluster cluster = new TestCluster(dir, tune);
        for (int i = 0; i < size; i++) {
            cluster.names.add("m" + i);
            cluster.peerPorts.add(freePort());
        }
        for (int i = 0; i < size; i++) {
            cluster.members.add(null);
        }
        try {
            for (int i = 0; i < size; i++) {
                cluster.members.set(i, cluster.startMember(i, "new", cluster.initialCluster()));
            }
            cluster.awaitLeader();
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    String peerUrl(int i) {
        return "http://127.0.0.1:" + peerPorts.get(i);
    }

    String initialCluster() {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            pairs.add(names.get(i) + "=" + peerUrl(i));
        }
        return String.join(",", pairs);
    }

    EtcdConfig config(int i, String state, String initialCluster) {
        return EtcdConfig.of("--name", names.get(i),
                "--data-dir", dir.resolve(names.get(i)).toString(),
                "--listen-peer-urls", peerUrl(i), "--initial-advertise-peer-urls", peerUrl(i),
                "--initial-cluster", initialCluster, "--initial-cluster-state", state,
                "--initial-cluster-token", "test-cluster",
                "--heartbeat-interval", "20", "--election-timeout", "200");
    }

    Member startMember(int i, String state, String initialCluster) throws IOException {
        EtcdConfig config = config(i, state, initialCluster);
        ServerSettings etcd = ServerSettings.of(config);
        // 1 MiB WAL segments: preallocating etcd's 64 MiB ones dominates a test member's start.
        ServerSettings small = etcd.withLogSizes(etcd.snapshotCount(), etcd.catchUpEntries(),
                WAL_SEGMENT_BYTES);
        return Member.start(config, tune.apply(small), InstantSource.system());
    }

    /** Restarts member {@code i} (stopped) on its data dir. */
    void restart(int i) throws IOException {
        members.set(i, startMember(i, "new", initialCluster()));
    }

    /** Adds a slot for a new member (its name and peer port), returning its index. */
    int reserve(String name) throws IOException {
        names.add(name);
        peerPorts.add(freePort());
        members.add(null);
        return names.size() - 1;
    }

    Member awaitLeader() {
        Member[] leader = new Member[1];
        await().atMost(ELECTION_WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
            for (Member member : members) {
                if (member != null && member.isLeader()) {
                    leader[0] = member;
                    return true;
                }
            }
            return false;
        });
        return leader[0];
    }

    List<Member> followers() {
        Member leader = awaitLeader();
        return members.stream().filter(m -> m != null && m != leader).toList();
    }

    static long put(Member member, String key, String value) {
        return member.kv().put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(ByteString.copyFromUtf8(value)).build()).join().getHeader()
                .getRevision();
    }

    static RangeResponse get(Member member, String key, boolean serializable) {
        return member.kv().range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setSerializable(serializable).build(), ON_CALLER).join();
    }

    static long hashKv(Member member, long revision) {
        return member.maintenance().hashKv(revision).join().getHash();
    }

    @Override
    public void close() {
        for (Member member : members) {
            if (member != null) {
                try {
                    member.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
