package io.etcetera.transport;

import static io.etcetera.transport.TestMember.append;
import static io.etcetera.transport.TestMember.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.Member;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcetera.config.EtcdUrl;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Raft messages between real transports over gRPC on loopback: order per lane, batching, peers that
 * are down or never answer, reconnection, identity refusals, remotes, full inboxes, probes.
 */
class PeerTransportTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Queues that never fill in these tests, so that every message must arrive. */
    private static final PeerLimits ROOMY = TestMember.limits(1 << 20, 1L << 30, 20, 200);

    @TempDir Path dir;

    @Test
    void messagesOfEachLaneArriveInOrderBothWays() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"), ROOMY);
                TestMember b = TestMember.start(2, dir.resolve("b"), ROOMY)) {
            TestMember.connect(a, b);
            int count = 3000;
            Thread backwards = new Thread(() -> sendBothLanes(b, a.id, count));
            backwards.start();
            sendBothLanes(a, b.id, count);
            backwards.join();
            await().atMost(WAIT)
                    .until(
                            () ->
                                    b.listener.inbox.size() == 2 * count
                                            && a.listener.inbox.size() == 2 * count);
            assertInOrderPerLane(b.listener.messages(), a.id, count);
            assertInOrderPerLane(a.listener.messages(), b.id, count);
            assertThat(a.transport.stats(b.id).droppedMessages()).isZero();
            assertThat(b.transport.stats(a.id).receivedMessages()).isEqualTo(2 * count);
        }
    }

    @Test
    void threeMembersExchangeWithEveryPeerInOrder() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"), ROOMY);
                TestMember b = TestMember.start(2, dir.resolve("b"), ROOMY);
                TestMember c = TestMember.start(3, dir.resolve("c"), ROOMY)) {
            TestMember.connect(a, b, c);
            int count = 1000;
            List<TestMember> members = List.of(a, b, c);
            List<Thread> senders = new ArrayList<>();
            for (TestMember from : members) {
                Thread sender =
                        new Thread(
                                () -> {
                                    for (TestMember to : members) {
                                        if (to != from) {
                                            sendBothLanes(from, to.id, count);
                                        }
                                    }
                                });
                sender.start();
                senders.add(sender);
            }
            for (Thread sender : senders) {
                sender.join();
            }
            await().atMost(WAIT)
                    .until(
                            () ->
                                    members.stream()
                                            .allMatch(
                                                    m -> m.listener.inbox.size() == 2 * 2 * count));
            for (TestMember to : members) {
                for (TestMember from : members) {
                    if (from != to) {
                        assertInOrderPerLane(to.listener.messages(), from.id, count);
                    }
                }
            }
            assertThat(a.transport.activePeerCount()).isEqualTo(2);
        }
    }

    @Test
    void underLoadManyMessagesShareOneGrpcMessage() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"), ROOMY);
                TestMember b = TestMember.start(2, dir.resolve("b"), ROOMY)) {
            TestMember.connect(a, b);
            await().atMost(WAIT).until(() -> a.transport.activeSince(2).isPresent());
            int rounds = 100;
            int perRound = 500;
            for (int round = 0; round < rounds; round++) {
                List<Message> messages = new ArrayList<>(perRound);
                for (int i = 0; i < perRound; i++) {
                    messages.add(heartbeat(a.id, b.id, (long) round * perRound + i));
                }
                a.transport.send(messages);
            }
            int total = rounds * perRound;
            await().atMost(WAIT).until(() -> b.listener.inbox.size() == total);
            PeerStats sent = a.transport.stats(b.id);
            PeerStats received = b.transport.stats(a.id);
            System.out.printf(
                    "batching: %d messages in %d gRPC messages (%.1f per batch)%n",
                    sent.sentMessages(),
                    sent.sentBatches(),
                    (double) sent.sentMessages() / sent.sentBatches());
            assertThat(sent.sentMessages()).isEqualTo(total);
            assertThat(sent.sentBatches()).isLessThanOrEqualTo(total / 10);
            assertThat(received.receivedBatches()).isEqualTo(sent.sentBatches());
            assertThat(received.receivedBytes()).isEqualTo(sent.sentBytes());
            assertThat(sent.droppedMessages()).isZero();
        }
    }

    /**
     * 32 MiB of MsgApp queued ahead of a heartbeat: the heartbeat goes on its own lane and
     * connection, so it arrives while the appends are still streaming, not after them.
     */
    @Test
    void aHeartbeatDoesNotWaitBehindLargeAppends() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"), ROOMY);
                TestMember b = TestMember.start(2, dir.resolve("b"), ROOMY)) {
            TestMember.connect(a, b);
            await().atMost(WAIT).until(() -> a.transport.activeSince(2).isPresent());
            int appends = 32;
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < appends; i++) {
                messages.add(append(1, 2, i, 1 << 20));
            }
            messages.add(heartbeat(1, 2, 0));
            a.transport.send(messages);
            await().atMost(WAIT).until(() -> b.listener.inbox.size() == appends + 1);
            List<MessageType> order = b.listener.messages().stream().map(Message::getType).toList();
            int heartbeatAt = order.indexOf(MessageType.MsgHeartbeat);
            System.out.printf(
                    "a heartbeat queued after %d MiB of MsgApp arrived after %d of them%n",
                    appends, heartbeatAt);
            assertThat(heartbeatAt).isLessThan(appends / 2);
        }
    }

    /**
     * Peer 3 refuses connections (down), peer 4 accepts TCP but never speaks (hung); both fill
     * their small queues and drop. Heartbeats to the live peer 2 are sent one at a time, each after
     * the previous one arrived, so each delay is one message's latency: first with the live peer
     * alone, then with the dead and hung ones beside it, each send also queueing for them.
     */
    @Test
    void deadAndHungPeersDropAndReportWithoutDelayingALivePeer() throws Exception {
        PeerLimits small = TestMember.limits(64, 1L << 20, 200, 1000);
        try (TestMember a = TestMember.start(1, dir.resolve("a"), small);
                TestMember b = TestMember.start(2, dir.resolve("b"), small);
                ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            a.transport.addPeer(b.id, List.of(b.url()));
            long[] alone = heartbeatDelaysNanos(a, b, List.of(), 300);
            a.transport.addPeer(3, List.of(loopback(refusingPort())));
            a.transport.addPeer(4, List.of(loopback(hung.getLocalPort())));
            long[] beside = heartbeatDelaysNanos(a, b, List.of(3L, 4L), 600);
            System.out.printf(
                    "heartbeat latency to a live peer, alone: p50 %d us, p99 %d us;"
                            + " beside a dead and a hung peer: p50 %d us, p99 %d us, max %d us%n",
                    percentile(alone, 50) / 1000,
                    percentile(alone, 99) / 1000,
                    percentile(beside, 50) / 1000,
                    percentile(beside, 99) / 1000,
                    percentile(beside, 100) / 1000);
            assertThat(Duration.ofNanos(percentile(beside, 99))).isLessThan(Duration.ofMillis(100));
            assertThat(Duration.ofNanos(percentile(beside, 100))).isLessThan(Duration.ofSeconds(1));
            assertThat(a.transport.stats(2).droppedMessages()).isZero();
            assertThat(a.transport.stats(3).droppedMessages()).isGreaterThan(0);
            assertThat(a.transport.stats(4).droppedMessages()).isGreaterThan(0);
            assertThat(a.listener.unreachable).contains(3L, 4L).doesNotContain(2L);
            assertThat(a.transport.activeSince(2)).isPresent();
            assertThat(a.transport.activeSince(3)).isEmpty();
            assertThat(a.transport.activeSince(4)).isEmpty();
            assertThat(a.transport.stats(3).lastFailure()).contains("UNAVAILABLE");
        }
    }

    /**
     * Sends {@code rounds} heartbeats to {@code live}, each with a heartbeat and a MsgApp to every
     * other target queued first, and returns each heartbeat's delay, sorted.
     */
    private static long[] heartbeatDelaysNanos(
            TestMember from, TestMember live, List<Long> others, int rounds) throws Exception {
        long[] delaysNanos = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            List<Message> messages = new ArrayList<>();
            for (long other : others) {
                messages.add(heartbeat(from.id, other, i));
                messages.add(append(from.id, other, i, 64));
            }
            messages.add(heartbeat(from.id, live.id, i));
            long sentAt = System.nanoTime();
            from.transport.send(messages);
            assertThat(live.listener.arrivals.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                    .as("heartbeat %d reached the live peer", i)
                    .isTrue();
            delaysNanos[i] = lastArrivalNanos(live) - sentAt;
        }
        Arrays.sort(delaysNanos);
        return delaysNanos;
    }

    private static long percentile(long[] sorted, int percent) {
        return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)];
    }

    @Test
    void linkComesBackAfterThePeerRestarts() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"))) {
            TestMember b = TestMember.start(2, dir.resolve("b"));
            int port = b.port();
            TestMember.connect(a, b);
            a.transport.send(List.of(heartbeat(1, 2, 0)));
            await().atMost(WAIT)
                    .until(
                            () ->
                                    b.listener.inbox.size() == 1
                                            && a.transport.activeSince(2).isPresent());
            b.close();
            await().atMost(WAIT).until(() -> a.transport.activeSince(2).isEmpty());
            await().atMost(WAIT)
                    .until(
                            () -> {
                                a.transport.send(List.of(heartbeat(1, 2, 1), append(1, 2, 1, 10)));
                                return a.transport.stats(2).droppedMessages() > 0;
                            });
            assertThat(a.listener.unreachable).contains(2L);
            assertThat(a.transport.stats(2).streamFailures()).isGreaterThan(0);
            try (TestMember restarted =
                    TestMember.start(
                            2,
                            TestMember.CLUSTER_ID,
                            dir.resolve("b2"),
                            TestMember.LIMITS,
                            port,
                            Optional.empty())) {
                await().atMost(WAIT).until(() -> a.transport.activeSince(2).isPresent());
                await().atMost(WAIT)
                        .until(
                                () -> {
                                    a.transport.send(List.of(heartbeat(1, 2, 2)));
                                    return !restarted.listener.inbox.isEmpty();
                                });
                assertThat(restarted.listener.messages().get(0).getFrom()).isEqualTo(1);
            }
        }
    }

    @Test
    void aMemberOfAnotherClusterIsRefused() throws Exception {
        try (TestMember a =
                        TestMember.start(
                                1,
                                0xa11,
                                dir.resolve("a"),
                                TestMember.LIMITS,
                                0,
                                Optional.empty());
                TestMember b =
                        TestMember.start(
                                2,
                                0xb22,
                                dir.resolve("b"),
                                TestMember.LIMITS,
                                0,
                                Optional.empty())) {
            a.transport.addPeer(b.id, List.of(b.url()));
            await().atMost(WAIT)
                    .until(
                            () -> {
                                a.transport.send(List.of(heartbeat(1, 2, 0), append(1, 2, 0, 10)));
                                return b.transport.refusedCalls() >= 2
                                        && a.transport
                                                .stats(2)
                                                .lastFailure()
                                                .contains("cluster ID mismatch");
                            });
            assertThat(b.listener.inbox).isEmpty();
            assertThat(b.transport.peerIds()).isEmpty();
            assertThat(a.transport.activeSince(2)).isEmpty();
            assertThat(a.listener.removals).isEmpty();
        }
    }

    @Test
    void aRemovedMemberIsRefusedAndToldOnce() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"));
                TestMember b = TestMember.start(2, dir.resolve("b"))) {
            TestMember.connect(a, b);
            a.transport.send(List.of(heartbeat(1, 2, 0)));
            await().atMost(WAIT).until(() -> b.listener.inbox.size() == 1);
            b.listener.removedIds.add(a.id); // b applied a's removal; a's streams are open
            await().atMost(WAIT)
                    .until(
                            () -> {
                                a.transport.send(List.of(heartbeat(1, 2, 1), append(1, 2, 1, 10)));
                                return a.transport
                                        .stats(2)
                                        .lastFailure()
                                        .contains("removed member");
                            });
            await().atMost(WAIT).until(() -> !a.listener.removals.isEmpty());
            assertThat(a.listener.removals).hasSize(1);
            assertThat(a.listener.removals.get(0))
                    .hasMessage("the member has been permanently removed from the cluster");
            assertThat(a.listener.removals.get(0).refusingPeerId()).isEqualTo(2);
            assertThat(b.listener.messages()).hasSize(1);
            assertThat(b.transport.refusedCalls()).isGreaterThan(0);
        }
    }

    @Test
    void aCallerTheReceiverDoesNotKnowCanBeAnswered() throws Exception {
        int aPort = freePort();
        try (TestMember a =
                        TestMember.start(
                                1,
                                TestMember.CLUSTER_ID,
                                dir.resolve("a"),
                                TestMember.LIMITS,
                                aPort,
                                Optional.empty());
                TestMember b = TestMember.start(2, dir.resolve("b"))) {
            a.transport.addPeer(b.id, List.of(b.url()));
            a.transport.send(List.of(heartbeat(1, 2, 0)));
            await().atMost(WAIT).until(() -> b.transport.peerIds().contains(1L));
            await().atMost(WAIT)
                    .until(
                            () -> {
                                b.transport.send(List.of(heartbeat(2, 1, 7)));
                                return !a.listener.inbox.isEmpty();
                            });
            assertThat(a.listener.messages().get(0).getFrom()).isEqualTo(2);
        }
    }

    @Test
    void messagesAFullInboxRefusesAreCountedAsReceiveDrops() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"));
                TestMember b = TestMember.start(2, dir.resolve("b"))) {
            TestMember.connect(a, b);
            b.listener.inboxMax = 10;
            List<Message> messages = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                messages.add(heartbeat(1, 2, i));
            }
            a.transport.send(messages);
            await().atMost(WAIT).until(() -> b.transport.stats(1).receivedMessages() == 100);
            assertThat(b.transport.stats(1).receiveDrops()).isEqualTo(90);
            assertThat(b.listener.messages())
                    .extracting(Message::getCommit)
                    .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        }
    }

    @Test
    void probesMeasureTheRoundTrip() throws Exception {
        PeerLimits quickProbe = TestMember.limits(4096, 1L << 20, 20, 50);
        try (TestMember a = TestMember.start(1, dir.resolve("a"), quickProbe);
                TestMember b = TestMember.start(2, dir.resolve("b"), quickProbe)) {
            TestMember.connect(a, b);
            await().atMost(WAIT).until(() -> a.transport.stats(2).roundTripNanos() > 0);
            assertThat(Duration.ofNanos(a.transport.stats(2).roundTripNanos()))
                    .isLessThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void updatedUrlsMoveTheLinks() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"));
                TestMember b = TestMember.start(2, dir.resolve("b"))) {
            a.transport.addPeer(b.id, List.of(loopback(refusingPort())));
            await().atMost(WAIT).until(() -> a.transport.stats(2).streamFailures() > 0);
            a.transport.updatePeer(b.id, List.of(b.url()));
            await().atMost(WAIT)
                    .until(
                            () -> {
                                a.transport.send(List.of(heartbeat(1, 2, 0)));
                                return !b.listener.inbox.isEmpty();
                            });
            await().atMost(WAIT).until(() -> a.transport.activeSince(2).isPresent());
        }
    }

    @Test
    void aRemovedPeerIsForgottenAndItsMessagesIgnored() throws Exception {
        try (TestMember a = TestMember.start(1, dir.resolve("a"));
                TestMember b = TestMember.start(2, dir.resolve("b"))) {
            TestMember.connect(a, b);
            await().atMost(WAIT).until(() -> a.transport.activeSince(2).isPresent());
            a.transport.removePeer(2);
            a.transport.send(List.of(heartbeat(1, 2, 0)));
            assertThat(a.transport.peerIds()).isEmpty();
            assertThat(a.transport.activeSince(2)).isEmpty();
            assertThat(a.transport.stats(2).sentMessages()).isZero();
            assertThat(a.listener.unreachable).isEmpty();
            await().atMost(WAIT).until(() -> !threadRuns("etcetera-peer-sender-2"));
        }
    }

    @Test
    void closeEndsEveryThreadTheTransportStarted() throws Exception {
        TestMember a = TestMember.start(1, dir.resolve("a"));
        TestMember b = TestMember.start(2, dir.resolve("b"));
        TestMember.connect(a, b);
        a.transport.send(List.of(heartbeat(1, 2, 0)));
        a.transport.sendSnapshot(
                new OutgoingSnapshot(
                        SnapshotData.msgSnap(1, 2, 3), new SnapshotData(1, 1 << 20), 1 << 20));
        assertThat(b.listener.arrivals.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.listener.snapshotOutcomes.poll(10, TimeUnit.SECONDS))
                .isEqualTo(new RecordingListener.SnapshotOutcome(2, SnapshotStatus.FINISH));
        a.close();
        b.close();
        await().atMost(WAIT)
                .until(
                        () ->
                                Thread.getAllStackTraces().keySet().stream()
                                        .noneMatch(t -> t.getName().startsWith("etcetera-peer-")));
        a.transport.send(List.of(heartbeat(1, 2, 1))); // ignored after close, and does not block
        assertThat(a.transport.peerIds()).isEmpty();
    }

    /** The server puts services of its own on the peer URLs, as etcd serves /members there. */
    @Test
    void extraServicesAreServedOnThePeerUrls() throws Exception {
        ClusterGrpc.ClusterImplBase members =
                new ClusterGrpc.ClusterImplBase() {
                    @Override
                    public void memberList(
                            MemberListRequest request,
                            StreamObserver<MemberListResponse> response) {
                        response.onNext(
                                MemberListResponse.newBuilder()
                                        .addMembers(Member.newBuilder().setID(1).setName("a"))
                                        .build());
                        response.onCompleted();
                    }
                };
        PeerTransportConfig config =
                new PeerTransportConfig(
                        1,
                        TestMember.CLUSTER_ID,
                        List.of(loopback(0)),
                        List.of(),
                        dir.resolve("a"),
                        Optional.empty(),
                        TestMember.LIMITS);
        try (PeerTransport transport =
                new PeerTransport(
                        config,
                        new RecordingListener(),
                        InstantSource.system(),
                        List.of(members.bindService()))) {
            transport.start();
            ManagedChannel channel =
                    NettyChannelBuilder.forAddress(transport.listenAddresses().get(0))
                            .usePlaintext()
                            .build();
            try {
                MemberListResponse listed =
                        ClusterGrpc.newBlockingStub(channel)
                                .memberList(MemberListRequest.getDefaultInstance());
                assertThat(listed.getMembers(0).getName()).isEqualTo("a");
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean threadRuns(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name));
    }

    /**
     * Sends {@code count} MsgApps and heartbeats to one peer, a few per call, as a raft loop would.
     */
    private static void sendBothLanes(TestMember from, long to, int count) {
        for (int i = 0; i < count; i += 10) {
            List<Message> messages = new ArrayList<>(20);
            for (int j = i; j < Math.min(count, i + 10); j++) {
                messages.add(append(from.id, to, j, 100));
                messages.add(heartbeat(from.id, to, j));
            }
            from.transport.send(messages);
        }
    }

    private static void assertInOrderPerLane(List<Message> received, long from, int count) {
        for (MessageType type : List.of(MessageType.MsgApp, MessageType.MsgHeartbeat)) {
            List<Long> sequences =
                    received.stream()
                            .filter(m -> m.getFrom() == from && m.getType() == type)
                            .map(TestMember::sequence)
                            .toList();
            assertThat(sequences).as("%s from %d", type, from).hasSize(count);
            for (int i = 0; i < count; i++) {
                assertThat(sequences.get(i)).as("%s #%d from %d", type, i, from).isEqualTo(i);
            }
        }
    }

    private static long lastArrivalNanos(TestMember member) {
        long last = 0;
        for (RecordingListener.Received received : member.listener.inbox) {
            last = received.atNanos();
        }
        return last;
    }

    static EtcdUrl loopback(int port) {
        return new EtcdUrl("http", "127.0.0.1", String.valueOf(port));
    }

    /** A loopback port nothing listens on (the OS gave it, and it was closed again). */
    static int refusingPort() throws IOException {
        return freePort();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
