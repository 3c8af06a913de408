package io.etcetera.transport;

import com.google.protobuf.ByteString;

import io.etcetera.config.EtcdUrl;
import io.etcetera.raft.pb.Entry;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;

import java.io.IOException;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;

/**
 * One member's transport on a loopback port for tests, with its recording listener, and the Raft
 * messages tests send. Closing it closes the transport.
 */
final class TestMember implements AutoCloseable {

    static final long CLUSTER_ID = 0x1c1a5e;

    /** Limits for tests: the defaults with a quick reconnect and probe. */
    static final PeerLimits LIMITS = limits(4096, 32L << 20, 20, 200);

    final long id;
    final RecordingListener listener = new RecordingListener();
    final PeerTransport transport;
    private final String scheme;

    private TestMember(long id, PeerTransportConfig config) {
        this.id = id;
        this.scheme = config.listenPeerUrls().get(0).scheme();
        this.transport = new PeerTransport(config, listener, InstantSource.system(), List.of());
    }

    /** A started member on a free loopback port, with no advertised URL. */
    static TestMember start(long id, Path snapshotDir) throws IOException {
        return start(id, snapshotDir, LIMITS);
    }

    static TestMember start(long id, Path snapshotDir, PeerLimits limits) throws IOException {
        return start(id, CLUSTER_ID, snapshotDir, limits, 0, Optional.empty());
    }

    static TestMember start(
            long id,
            long clusterId,
            Path snapshotDir,
            PeerLimits limits,
            int port,
            Optional<PeerTls> tls)
            throws IOException {
        String scheme = tls.isPresent() ? "https" : "http";
        EtcdUrl listen = new EtcdUrl(scheme, "127.0.0.1", String.valueOf(port));
        List<EtcdUrl> advertised = port == 0 ? List.of() : List.of(listen);
        PeerTransportConfig config =
                new PeerTransportConfig(
                        id, clusterId, List.of(listen), advertised, snapshotDir, tls, limits);
        TestMember member = new TestMember(id, config);
        member.transport.start();
        return member;
    }

    static PeerLimits limits(
            int queueMessagesMax, long queueBytesMax, long backoffMaxMillis, long probeMillis) {
        PeerLimits d = PeerLimits.DEFAULT;
        return new PeerLimits(
                queueMessagesMax,
                queueBytesMax,
                d.batchMessagesMax(),
                d.batchBytesMax(),
                10,
                backoffMaxMillis,
                d.acceptWaitMillisMax(),
                probeMillis,
                d.snapshotChunkBytes(),
                5000);
    }

    /** Where peers reach this member. */
    EtcdUrl url() {
        return new EtcdUrl(scheme, "127.0.0.1", String.valueOf(port()));
    }

    int port() {
        return transport.listenAddresses().get(0).getPort();
    }

    /** Makes each member a peer of every other. */
    static void connect(TestMember... members) {
        for (TestMember from : members) {
            for (TestMember to : members) {
                if (from != to) {
                    from.transport.addPeer(to.id, List.of(to.url()));
                }
            }
        }
    }

    static Message heartbeat(long from, long to, long sequence) {
        return Message.newBuilder()
                .setType(MessageType.MsgHeartbeat)
                .setFrom(from)
                .setTo(to)
                .setTerm(1)
                .setCommit(sequence)
                .build();
    }

    /** A MsgApp whose index is {@code sequence}, with one entry of {@code entryBytes}. */
    static Message append(long from, long to, long sequence, int entryBytes) {
        return Message.newBuilder()
                .setType(MessageType.MsgApp)
                .setFrom(from)
                .setTo(to)
                .setTerm(1)
                .setIndex(sequence)
                .addEntries(
                        Entry.newBuilder()
                                .setTerm(1)
                                .setIndex(sequence + 1)
                                .setData(ByteString.copyFrom(new byte[entryBytes])))
                .build();
    }

    /** The sequence number a test message carries, whatever its lane. */
    static long sequence(Message message) {
        return message.getType() == MessageType.MsgApp ? message.getIndex() : message.getCommit();
    }

    @Override
    public void close() {
        transport.close();
    }
}
