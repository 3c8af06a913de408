package io.etcetera.server;

import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcetera.config.EtcdUrl;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.LeasePeerGrpc;
import io.etcetera.transport.PeerTls;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Calls the leader's {@code LeasePeer} service on one of its peer URLs, for the lease requests only
 * the leader answers (etcd's {@code leasehttp.RenewHTTP} and {@code TimeToLiveHTTP}). Renewals
 * arrive at the clients' rate, so one channel per peer URL is kept rather than one per call; a
 * channel whose peer is unreachable is dropped, so that the next call connects at once instead of
 * waiting out gRPC's reconnect back-off. TLS to {@code https} peer URLs, as {@link
 * ClusterPeerClient}.
 *
 * <p>Failures: the leader's refusal as its {@link RequestFailedException}; an unreachable peer as
 * {@code NO_LEADER} (the caller tries whoever leads next); no answer within the given time as
 * {@code TIMEOUT}.
 *
 * <p>Thread-safe and non-blocking: each call returns a future that a gRPC thread completes.
 */
final class LeasePeerClient implements AutoCloseable {

    /** Channels kept at most; past it all are closed (a cluster has few members and URLs). */
    static final int CHANNELS_MAX = 16;

    /** Kept channels by peer URL. */
    private final ConcurrentHashMap<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final PeerTls tls;

    LeasePeerClient(PeerTls tls) {
        this.tls = tls;
    }

    /** Renews {@code leaseId} at the leader; its answer carries the leader's header. */
    CompletableFuture<LeaseKeepAliveResponse> renew(String peerUrl, long leaseId,
            long timeoutMillis) {
        LeaseKeepAliveRequest request = LeaseKeepAliveRequest.newBuilder().setID(leaseId).build();
        return call(peerUrl, timeoutMillis, (stub, reply) -> stub.renew(request, reply));
    }

    /** The leader's TimeToLive answer for {@code request}. */
    CompletableFuture<LeaseTimeToLiveResponse> timeToLive(String peerUrl,
            LeaseTimeToLiveRequest request, long timeoutMillis) {
        return call(peerUrl, timeoutMillis, (stub, reply) -> stub.timeToLive(request, reply));
    }

    private <T> CompletableFuture<T> call(String peerUrl, long timeoutMillis,
            BiConsumer<LeasePeerGrpc.LeasePeerStub, StreamObserver<T>> start) {
        if (closed) {
            return CompletableFuture.failedFuture(RequestFailedException.of(Reason.STOPPED));
        }
        ManagedChannel channel = channel(peerUrl);
        if (closed) {
            closeChannels(); // closed meanwhile: the channel just made must not outlive it
        }
        ReplyFuture<T> reply = new ReplyFuture<>(() -> { });
        start.accept(LeasePeerGrpc.newStub(channel)
                .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS), reply);
        return reply.exceptionallyCompose(failure -> {
            if (PeerFailures.isUnreachable(failure)) {
                if (channels.remove(peerUrl, channel)) {
                    channel.shutdownNow();
                }
                return CompletableFuture.failedFuture(RequestFailedException.of(Reason.NO_LEADER));
            }
            return CompletableFuture.failedFuture(PeerFailures.fromStatus(failure));
        });
    }

    private ManagedChannel channel(String peerUrl) {
        if (channels.size() >= CHANNELS_MAX && !channels.containsKey(peerUrl)) {
            closeChannels();
        }
        return channels.computeIfAbsent(peerUrl,
                url -> ClusterPeerClient.channel(EtcdUrl.parse(url), tls));
    }

    /** Closes every kept channel; calls after this fail with {@code STOPPED}. */
    @Override
    public void close() {
        closed = true;
        closeChannels();
    }

    private void closeChannels() {
        for (String url : channels.keySet()) {
            ManagedChannel channel = channels.remove(url);
            if (channel != null) {
                channel.shutdownNow();
            }
        }
    }
}
