package io.etcetera.transport;

import static io.etcetera.transport.PeerTransportTest.loopback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;

import io.etcetera.transport.RecordingListener.SnapshotOutcome;
import io.etcetera.transport.pb.PeerGrpc;
import io.etcetera.transport.pb.SnapshotChunk;
import io.etcetera.transport.pb.SnapshotHeader;
import io.etcetera.transport.pb.SnapshotReceived;
import io.etcetera.transport.pb.SnapshotTrailer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Snapshots between real transports over gRPC on loopback: streamed, checked, stored atomically and
 * then delivered; corrupted, cut, failing or refused transfers discarded and reported; memory
 * bounded whatever the size (in a JVM with a small heap).
 */
class SnapshotTransferTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final long SEED = 7;

    @TempDir Path dir;

    @Test
    void aSnapshotIsStreamedVerifiedStoredAndThenDelivered() throws Exception {
        long bytes = 48L << 20;
        try (TestMember a = TestMember.start(1, dir.resolve("a"));
                TestMember b = TestMember.start(2, dir.resolve("b"))) {
            TestMember.connect(a, b);
            SnapshotData data = new SnapshotData(SEED, bytes);
            a.transport.sendSnapshot(
                    new OutgoingSnapshot(SnapshotData.msgSnap(1, 2, 0x2a), data, bytes));
            SnapshotOutcome outcome = a.listener.snapshotOutcomes.poll(20, TimeUnit.SECONDS);
            assertThat(outcome).isEqualTo(new SnapshotOutcome(2, SnapshotStatus.FINISH));
            ReceivedSnapshot received = b.listener.snapshots.poll(1, TimeUnit.SECONDS);
            assertThat(received).isNotNull();
            assertThat(received.from()).isEqualTo(1);
            assertThat(received.message()).isEqualTo(SnapshotData.msgSnap(1, 2, 0x2a));
            assertThat(received.dataFile())
                    .isEqualTo(dir.resolve("b").resolve("000000000000002a.snap.db"));
            assertThat(received.dataBytes()).isEqualTo(bytes);
            assertThat(Files.size(received.dataFile())).isEqualTo(bytes);
            assertThat(sha256Hex(received.dataFile())).isEqualTo(data.yieldedSha256Hex());
            assertThat(data.isClosed()).isTrue();
            assertThat(partialFiles(dir.resolve("b"))).isEmpty();
            assertThat(a.transport.stats(2).snapshotsSent()).isEqualTo(1);
            assertThat(b.transport.stats(1).snapshotsReceived()).isEqualTo(1);
            assertThat(b.transport.stats(1).receivedBytes()).isGreaterThan(bytes);
            assertThat(a.listener.unreachable).isEmpty();
        }
    }

    @Test
    void aSnapshotWithAWrongChecksumIsDiscarded() throws Exception {
        try (TestMember b = TestMember.start(2, dir.resolve("b"))) {
            ManagedChannel channel =
                    NettyChannelBuilder.forAddress("127.0.0.1", b.port()).usePlaintext().build();
            try {
                PeerHeaders identity =
                        new PeerHeaders(1, TestMember.CLUSTER_ID, List.of(), id -> false);
                CompletableFuture<Status> closed = new CompletableFuture<>();
                StreamObserver<SnapshotChunk> chunks =
                        PeerGrpc.newStub(channel)
                                .withInterceptors(
                                        MetadataUtils.newAttachHeadersInterceptor(
                                                identity.outgoing(2)))
                                .snapshot(completion(closed));
                byte[] data = new byte[100_000];
                chunks.onNext(
                        SnapshotChunk.newBuilder()
                                .setHeader(
                                        SnapshotHeader.newBuilder()
                                                .setMessage(SnapshotData.msgSnap(1, 2, 9))
                                                .setDataBytes(data.length))
                                .build());
                chunks.onNext(
                        SnapshotChunk.newBuilder().setData(ByteString.copyFrom(data)).build());
                byte[] wrong = MessageDigest.getInstance("SHA-256").digest(new byte[] {1});
                chunks.onNext(
                        SnapshotChunk.newBuilder()
                                .setTrailer(
                                        SnapshotTrailer.newBuilder()
                                                .setSha256(ByteString.copyFrom(wrong)))
                                .build());
                chunks.onCompleted();
                Status status = closed.get(10, TimeUnit.SECONDS);
                assertThat(status.getCode()).isEqualTo(Status.Code.DATA_LOSS);
                assertThat(status.getDescription()).isEqualTo("snapshot checksum mismatch");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
            assertNothingStored(b, 1);
        }
    }

    @Test
    void bytesFlippedInTransitFailTheSnapshot() throws Exception {
        assertFaultFailsSnapshot(TcpProxy.Fault.FLIP_BYTE);
    }

    @Test
    void aConnectionCutMidwayFailsTheSnapshot() throws Exception {
        assertFaultFailsSnapshot(TcpProxy.Fault.CUT);
    }

    /** Sends 16 MiB through a proxy that damages the connection 6 MiB in. */
    private void assertFaultFailsSnapshot(TcpProxy.Fault fault) throws Exception {
        long bytes = 16L << 20;
        try (TestMember a = TestMember.start(1, dir.resolve("a"));
                TestMember b = TestMember.start(2, dir.resolve("b"));
                TcpProxy proxy = new TcpProxy(b.port(), fault, 6L << 20)) {
            a.transport.addPeer(2, List.of(loopback(proxy.port())));
            SnapshotData data = new SnapshotData(SEED, bytes);
            a.transport.sendSnapshot(
                    new OutgoingSnapshot(SnapshotData.msgSnap(1, 2, 5), data, bytes));
            SnapshotOutcome outcome = a.listener.snapshotOutcomes.poll(20, TimeUnit.SECONDS);
            assertThat(outcome).isEqualTo(new SnapshotOutcome(2, SnapshotStatus.FAILURE));
            assertThat(a.listener.unreachable).contains(2L);
            assertThat(a.transport.stats(2).snapshotSendFailures()).isEqualTo(1);
            assertThat(data.isClosed()).isTrue();
            assertNothingStored(b, 1);
        }
    }

    @Test
    void aSnapshotWhoseSourceFailsIsDiscardedAndReported() throws Exception {
        long bytes = 8L << 20;
        PeerStats sender = failedSnapshot(new SnapshotData(SEED, bytes, 3L << 20), bytes, true);
        assertThat(sender.lastFailure()).contains("snapshot source failed");
    }

    @Test
    void dataShorterThanDeclaredFailsTheSnapshot() throws Exception {
        PeerStats sender = failedSnapshot(new SnapshotData(SEED, 1000), 2000, true);
        assertThat(sender.lastFailure()).contains("1000 bytes, 2000 declared");
    }

    @Test
    void aMemberThatCannotTakeTheSnapshotRefusesItAndItsFile() throws Exception {
        PeerStats sender = failedSnapshot(new SnapshotData(SEED, 1 << 20), 1 << 20, false);
        assertThat(sender.lastFailure()).contains("inbox is full");
    }

    /**
     * Sends a snapshot from member 1 to member 2 that must fail, checks that nothing was stored and
     * the failure reported, and returns the sender's stats of the receiver.
     */
    private PeerStats failedSnapshot(InputStream data, long declaredBytes, boolean receiverTakes)
            throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"));
                TestMember b = TestMember.start(2, dir.resolve("b"))) {
            TestMember.connect(a, b);
            b.listener.takesSnapshots = receiverTakes;
            a.transport.sendSnapshot(
                    new OutgoingSnapshot(SnapshotData.msgSnap(1, 2, 5), data, declaredBytes));
            SnapshotOutcome outcome = a.listener.snapshotOutcomes.poll(20, TimeUnit.SECONDS);
            assertThat(outcome).isEqualTo(new SnapshotOutcome(2, SnapshotStatus.FAILURE));
            assertThat(a.listener.unreachable).contains(2L);
            assertNothingStored(b, 1);
            return a.transport.stats(2);
        }
    }

    @Test
    void oneSnapshotAtATimePerPeer() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"));
                TestMember b = TestMember.start(2, dir.resolve("b"))) {
            TestMember.connect(a, b);
            CountDownLatch release = new CountDownLatch(1);
            InputStream held =
                    new FilterInputStream(new SnapshotData(SEED, 1000)) {
                        @Override
                        public int read(byte[] buffer, int offset, int length) throws IOException {
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                throw new IOException(e);
                            }
                            return super.read(buffer, offset, length);
                        }
                    };
            a.transport.sendSnapshot(
                    new OutgoingSnapshot(SnapshotData.msgSnap(1, 2, 5), held, 1000));
            SnapshotData second = new SnapshotData(SEED, 1000);
            a.transport.sendSnapshot(
                    new OutgoingSnapshot(SnapshotData.msgSnap(1, 2, 6), second, 1000));
            assertThat(a.listener.snapshotOutcomes.poll(5, TimeUnit.SECONDS))
                    .isEqualTo(new SnapshotOutcome(2, SnapshotStatus.FAILURE));
            assertThat(second.isClosed()).isTrue();
            release.countDown();
            assertThat(a.listener.snapshotOutcomes.poll(20, TimeUnit.SECONDS))
                    .isEqualTo(new SnapshotOutcome(2, SnapshotStatus.FINISH));
            assertThat(
                            b.listener
                                    .snapshots
                                    .poll(1, TimeUnit.SECONDS)
                                    .message()
                                    .getSnapshot()
                                    .getMetadata()
                                    .getIndex())
                    .isEqualTo(5);
        }
    }

    @Test
    void partialFilesOfAnEarlierRunAreRemovedAtStart() throws Exception {
        Path snapshots = Files.createDirectories(dir.resolve("b"));
        Path partial = snapshots.resolve("0000000000000005.snap.db.123456.part");
        Path complete = snapshots.resolve("0000000000000004.snap.db");
        Files.write(partial, new byte[10]);
        Files.write(complete, new byte[10]);
        try (TestMember b = TestMember.start(2, snapshots)) {
            assertThat(partial).doesNotExist();
            assertThat(complete).exists();
        }
    }

    /**
     * A 64 MiB snapshot between two transports in a JVM with a 32 MiB heap: neither side may hold a
     * snapshot in memory.
     */
    @Test
    void memoryStaysBoundedWhateverTheSnapshotSize() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child =
                new ProcessBuilder(
                                java,
                                "-Xmx32m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                SnapshotHeapCheck.class.getName(),
                                dir.toString(),
                                String.valueOf(64L << 20))
                        .redirectErrorStream(true)
                        .start();
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            lines.lines().forEach(line -> output.append(line).append('\n'));
        }
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.print(
                output.toString()
                        .lines()
                        .filter(line -> line.startsWith(SnapshotHeapCheck.RESULT))
                        .map(line -> line + "\n")
                        .reduce("", String::concat));
        assertThat(child.exitValue()).as(output.toString()).isZero();
        assertThat(output.toString())
                .contains(SnapshotHeapCheck.RESULT + " FINISH, checksum equal");
    }

    private void assertNothingStored(TestMember receiver, long from) throws IOException {
        Path snapshots = dir.resolve("b");
        await().atMost(WAIT)
                .until(() -> receiver.transport.stats(from).snapshotReceiveFailures() == 1);
        await().atMost(WAIT).until(() -> partialFiles(snapshots).isEmpty());
        try (Stream<Path> files = Files.list(snapshots)) {
            assertThat(files).isEmpty();
        }
        assertThat(receiver.listener.snapshots).isEmpty();
        assertThat(receiver.transport.stats(from).snapshotsReceived()).isZero();
    }

    static List<Path> partialFiles(Path snapshots) throws IOException {
        try (Stream<Path> files = Files.list(snapshots)) {
            return files.filter(file -> file.toString().endsWith(".part")).toList();
        }
    }

    static String sha256Hex(Path file) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int read;
            while ((read = in.read(buffer)) > 0) {
                sha256.update(buffer, 0, read);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static StreamObserver<SnapshotReceived> completion(CompletableFuture<Status> closed) {
        return new StreamObserver<>() {
            @Override
            public void onNext(SnapshotReceived value) {}

            @Override
            public void onError(Throwable t) {
                closed.complete(Status.fromThrowable(t));
            }

            @Override
            public void onCompleted() {
                closed.complete(Status.OK);
            }
        };
    }
}
