package io.etcetera.server;

import io.etcetera.config.EtcdUrl;
import io.etcetera.server.pb.ClusterPeerGrpc;
import io.etcetera.server.pb.MembersReply;
import io.etcetera.server.pb.MembersRequest;
import io.etcetera.server.pb.PromoteReply;
import io.etcetera.server.pb.PromoteRequest;
import io.etcetera.transport.PeerTls;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;

import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls another member's {@code ClusterPeer} service on its peer URLs: the members of a running
 * cluster, for a member that joins it (etcd's {@code GetClusterFromRemotePeers}), and a promotion
 * forwarded to the leader (etcd's {@code promoteMemberHTTP}). One short-lived channel per call,
 * with the peer transport's TLS on {@code https} peer URLs ({@link PeerTls#secure}).
 *
 * <p>Thread-safe: calls share nothing.
 */
final class ClusterPeerClient {

    private static final Logger LOG = Logger.getLogger(ClusterPeerClient.class);

    private final long timeoutMillis;
    private final PeerTls tls;

    ClusterPeerClient(long timeoutMillis, PeerTls tls) {
        this.timeoutMillis = timeoutMillis;
        this.tls = tls;
    }

    /**
     * The members of the cluster as the first of {@code peerUrls} that answers has them; blocks
     * (at start only). Throws {@link IllegalStateException} with etcd's words when none answers.
     */
    MembersReply members(List<EtcdUrl> peerUrls) {
        for (EtcdUrl url : peerUrls) {
            ManagedChannel channel = channel(url);
            try {
                return ClusterPeerGrpc.newBlockingStub(channel)
                        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                        .members(MembersRequest.getDefaultInstance());
            } catch (StatusRuntimeException e) {
                // The cause says why a TLS handshake failed (e.g. bad_certificate).
                LOG.warnf("could not get the cluster's members from %s: %s%s", url, e.getStatus(),
                        e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")");
            } finally {
                channel.shutdownNow();
            }
        }
        throw new IllegalStateException("cannot fetch cluster info from peer urls: could not"
                + " retrieve cluster information from the given URLs " + peerUrls);
    }

    /** Asks the member at {@code leaderUrls} to promote learner {@code id}. */
    CompletableFuture<Void> promote(List<String> leaderUrls, long id) {
        ManagedChannel channel = channel(EtcdUrl.parse(leaderUrls.get(0)));
        ReplyFuture<PromoteReply> reply = new ReplyFuture<>(channel::shutdownNow);
        ClusterPeerGrpc.newStub(channel).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                .promote(PromoteRequest.newBuilder().setMemberId(id).build(), reply);
        return reply.<PromoteReply>exceptionallyCompose(failure ->
                CompletableFuture.failedFuture(PeerFailures.fromStatus(failure)))
                .thenApply(done -> null);
    }

    private ManagedChannel channel(EtcdUrl url) {
        return channel(url, tls);
    }

    /** A channel to one peer URL: TLS for {@code https}, as {@code tls} says; else plaintext. */
    static ManagedChannel channel(EtcdUrl url, PeerTls tls) {
        return tls.secure(NettyChannelBuilder.forAddress(url.host(), url.portNumber()), url)
                .build();
    }
}
