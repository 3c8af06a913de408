package io.etcetera.operator.etcd;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Calls etcd members, one endpoint at a time, over the v3 gRPC API, in plaintext or TLS as the
 * endpoint says. Every unary call has
 * {@code callTimeout}; a snapshot stream has {@code snapshotTimeout}. Failures become
 * {@link MemberCallException}s naming the call and the endpoint.
 *
 * <p>Thread-safe: channels are cached per endpoint authority and TLS material in a concurrent
 * map.
 */
public final class EtcdMembers implements AutoCloseable {

    private static final int CHANNELS_MAX = 256;

    private final Duration callTimeout;
    private final Duration snapshotTimeout;
    private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();

    public EtcdMembers(Duration callTimeout, Duration snapshotTimeout) {
        this.callTimeout = callTimeout;
        this.snapshotTimeout = snapshotTimeout;
    }

    public MemberList list(MemberEndpoint endpoint) {
        try {
            MemberListResponse r = cluster(endpoint).memberList(
                    MemberListRequest.getDefaultInstance());
            return new MemberList(r.getHeader().getClusterId(), r.getHeader().getMemberId(),
                    r.getMembersList().stream().map(EtcdMember::of).toList());
        } catch (RuntimeException e) {
            throw fail("MemberList", endpoint, e);
        }
    }

    public MemberStatus status(MemberEndpoint endpoint) {
        try {
            StatusResponse r = maintenance(endpoint, callTimeout)
                    .status(StatusRequest.getDefaultInstance());
            return new MemberStatus(r.getHeader().getMemberId(), r.getLeader(), r.getRaftIndex(),
                    r.getRaftTerm(), r.getHeader().getRevision(), r.getDbSize(), r.getVersion());
        } catch (RuntimeException e) {
            throw fail("Status", endpoint, e);
        }
    }

    /** MemberAdd with isLearner; returns the new member's ID. */
    public long addLearner(MemberEndpoint endpoint, URI peerUrl) {
        try {
            return cluster(endpoint).memberAdd(MemberAddRequest.newBuilder()
                    .addPeerURLs(peerUrl.toString()).setIsLearner(true).build())
                    .getMember().getID();
        } catch (RuntimeException e) {
            throw fail("MemberAdd(learner " + peerUrl + ")", endpoint, e);
        }
    }

    public void promote(MemberEndpoint endpoint, long memberId) {
        try {
            ClientCalls.blockingUnaryCall(channel(endpoint), MemberPromote.METHOD,
                    CallOptions.DEFAULT.withDeadlineAfter(callTimeout.toMillis(),
                            TimeUnit.MILLISECONDS), memberId);
        } catch (RuntimeException e) {
            throw fail("MemberPromote(" + Long.toHexString(memberId) + ")",
                    endpoint, e);
        }
    }

    public void remove(MemberEndpoint endpoint, long memberId) {
        try {
            cluster(endpoint).memberRemove(
                    MemberRemoveRequest.newBuilder().setID(memberId).build());
        } catch (RuntimeException e) {
            throw fail("MemberRemove(" + Long.toHexString(memberId) + ")",
                    endpoint, e);
        }
    }

    /** MoveLeader must be sent to the current leader; etcd refuses it elsewhere. */
    public void moveLeader(MemberEndpoint leaderEndpoint, long transfereeId) {
        try {
            maintenance(leaderEndpoint, callTimeout).moveLeader(MoveLeaderRequest.newBuilder()
                    .setTargetID(transfereeId).build());
        } catch (RuntimeException e) {
            throw fail("MoveLeader(" + Long.toHexString(transfereeId) + ")",
                    leaderEndpoint, e);
        }
    }

    /**
     * Streams a snapshot into {@code out} and verifies etcd's trailing SHA-256. The caller must
     * discard what it wrote when this throws. The revision is the member's just before the stream
     * began (etcd 3.4 leaves the stream's header empty): the snapshot holds at least that one.
     */
    public SnapshotResult snapshot(MemberEndpoint endpoint, OutputStream out) {
        TrailingDigest digest = new TrailingDigest();
        long revision = status(endpoint).revision();
        try {
            Iterator<SnapshotResponse> chunks = maintenance(endpoint, snapshotTimeout)
                    .snapshot(SnapshotRequest.getDefaultInstance());
            while (chunks.hasNext()) {
                SnapshotResponse chunk = chunks.next();
                revision = Math.max(revision, chunk.getHeader().getRevision());
                byte[] bytes = chunk.getBlob().toByteArray();
                digest.update(bytes, 0, bytes.length);
                out.write(bytes);
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing snapshot from " + endpoint, e);
        } catch (RuntimeException e) {
            throw fail("Snapshot", endpoint, e);
        }
        if (!digest.matches()) {
            throw new SnapshotCorruptException(endpoint.url(), digest.totalBytes());
        }
        return new SnapshotResult(revision, digest.totalBytes(), digest.fileSha256());
    }

    /**
     * The exception for a failed call. An unavailable member's channel is dropped, so the next
     * call resolves its name again: a new Pod's DNS record appears only after the Pod got an
     * address, and gRPC's own re-resolution backs off for many seconds.
     */
    private MemberCallException fail(String call, MemberEndpoint endpoint, RuntimeException e) {
        if (Status.fromThrowable(e).getCode() == Status.Code.UNAVAILABLE) {
            ManagedChannel dropped = channels.remove(endpoint.channelKey());
            if (dropped != null) {
                dropped.shutdownNow();
            }
        }
        return new MemberCallException(call, endpoint.url(), e);
    }

    private ClusterGrpc.ClusterBlockingStub cluster(MemberEndpoint endpoint) {
        return ClusterGrpc.newBlockingStub(channel(endpoint))
                .withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private MaintenanceGrpc.MaintenanceBlockingStub maintenance(MemberEndpoint endpoint,
            Duration deadline) {
        return MaintenanceGrpc.newBlockingStub(channel(endpoint))
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private ManagedChannel channel(MemberEndpoint endpoint) {
        String key = endpoint.channelKey();
        ManagedChannel cached = channels.get(key);
        if (cached != null) {
            return cached;
        }
        if (channels.size() >= CHANNELS_MAX) {
            close();
        }
        return channels.computeIfAbsent(key, k -> {
            URI url = endpoint.url();
            var builder = NettyChannelBuilder.forAddress(url.getHost(), url.getPort())
                    .maxInboundMessageSize(Integer.MAX_VALUE);
            // The member's certificate must name the host dialled (its stable DNS name).
            endpoint.tls().ifPresentOrElse(tls -> builder.sslContext(tls.sslContext()),
                    builder::usePlaintext);
            return builder.build();
        });
    }

    /** Closes every channel; later calls open new ones. */
    @Override
    public void close() {
        List<ManagedChannel> open = List.copyOf(channels.values());
        channels.clear();
        open.forEach(ManagedChannel::shutdownNow);
    }
}
