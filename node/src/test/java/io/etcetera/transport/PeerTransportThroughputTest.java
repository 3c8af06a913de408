package io.etcetera.transport;

import static io.etcetera.transport.TestMember.append;
import static io.etcetera.transport.TestMember.heartbeat;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcetera.config.EtcdUrl;
import io.etcetera.raft.pb.Message;

import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Throughput of one link between two transports on loopback: Raft messages per second and megabytes
 * per second, for heartbeat-sized messages and for MsgApps of 4 KiB entries. The sender queues as a
 * raft loop would, {@value #PER_SEND} messages per call, and keeps at most {@value #IN_FLIGHT_MAX}
 * messages between queueing and delivery so that nothing is dropped. Prints the figures; runs only
 * with {@code -Detcetera.transport.throughput=true}:
 *
 * <pre>
 * mvn -B -ntp -o -q -pl node test -Dtest=PeerTransportThroughputTest \
 *     -Detcetera.transport.throughput=true
 * </pre>
 */
@EnabledIfSystemProperty(named = "etcetera.transport.throughput", matches = "true")
class PeerTransportThroughputTest {

    private static final int PER_SEND = 64;
    private static final int IN_FLIGHT_MAX = 4000;

    /** The sender's pause while too much is in flight: short, and not a busy spin. */
    private static final long WAIT_NANOS = 20_000;

    @TempDir Path dir;

    @ParameterizedTest(name = "{0} messages with {1}-byte entries")
    @CsvSource({"2000000, 0", "300000, 4096"})
    void oneLinkOnLoopback(int count, int entryBytes) throws Exception {
        LongAdder delivered = new LongAdder();
        try (PeerTransport a = started(1, new CountingListener(delivered));
                PeerTransport b = started(2, new CountingListener(delivered))) {
            a.addPeer(2, List.of(url(b)));
            run(a, Math.min(count / 10, 100_000), entryBytes, delivered); // warm-up
            long before = a.stats(2).sentBytes();
            long startNanos = System.nanoTime();
            run(a, count, entryBytes, delivered);
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            long bytes = a.stats(2).sentBytes() - before;
            System.out.printf(
                    "transport throughput, %d-byte entries: %.0f messages/s,"
                            + " %.1f MB/s, %.1f messages per gRPC message%n",
                    entryBytes,
                    count / seconds,
                    bytes / seconds / 1e6,
                    (double) a.stats(2).sentMessages() / a.stats(2).sentBatches());
            assertThat(a.stats(2).droppedMessages()).isZero();
        }
    }

    private static void run(PeerTransport a, int count, int entryBytes, LongAdder delivered) {
        long target = delivered.sum() + count;
        long queued = delivered.sum();
        for (int sent = 0; sent < count; sent += PER_SEND) {
            while (queued - delivered.sum() > IN_FLIGHT_MAX) {
                LockSupport.parkNanos(WAIT_NANOS);
            }
            List<Message> messages = new ArrayList<>(PER_SEND);
            for (int i = sent; i < Math.min(count, sent + PER_SEND); i++) {
                messages.add(entryBytes == 0 ? heartbeat(1, 2, i) : append(1, 2, i, entryBytes));
            }
            a.send(messages);
            queued += messages.size();
        }
        while (delivered.sum() < target) {
            LockSupport.parkNanos(WAIT_NANOS);
        }
    }

    private PeerTransport started(long id, TransportListener listener) throws Exception {
        PeerTransport transport =
                new PeerTransport(
                        new PeerTransportConfig(
                                id,
                                TestMember.CLUSTER_ID,
                                List.of(new EtcdUrl("http", "127.0.0.1", "0")),
                                List.of(),
                                dir.resolve(String.valueOf(id)),
                                Optional.empty(),
                                PeerLimits.DEFAULT),
                        listener,
                        InstantSource.system(),
                        List.of());
        transport.start();
        return transport;
    }

    private static EtcdUrl url(PeerTransport transport) {
        return new EtcdUrl(
                "http", "127.0.0.1", String.valueOf(transport.listenAddresses().get(0).getPort()));
    }

    /** Counts and drops what it receives. */
    private record CountingListener(LongAdder delivered) implements TransportListener {
        @Override
        public boolean onMessage(Message message) {
            delivered.increment();
            return true;
        }

        @Override
        public boolean onSnapshot(ReceivedSnapshot snapshot) {
            return false;
        }

        @Override
        public void onUnreachable(long peerId) {}

        @Override
        public void onSnapshotStatus(long peerId, SnapshotStatus status) {}

        @Override
        public void onMemberRemoved(MemberRemovedException removed) {}

        @Override
        public boolean isIdRemoved(long memberId) {
            return false;
        }
    }
}
