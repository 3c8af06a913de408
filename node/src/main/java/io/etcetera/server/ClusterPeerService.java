package io.etcetera.server;

import io.etcetera.server.pb.ClusterPeerGrpc;
import io.etcetera.server.pb.MembersReply;
import io.etcetera.server.pb.MembersRequest;
import io.etcetera.server.pb.PromoteReply;
import io.etcetera.server.pb.PromoteRequest;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.CompletableFuture;
import java.util.function.LongFunction;

/**
 * The {@code ClusterPeer} service a member serves on its peer URLs: its applied members and the
 * cluster ID, and promotions forwarded by other members (answered only by the leader). Runs on the
 * transport's I/O threads and never blocks. Immutable.
 */
final class ClusterPeerService implements ClusterPeerGrpc.AsyncService {

    private final long clusterId;
    private final Membership membership;
    /** Promotes a learner as the leader (the reconfiguration's). */
    private final LongFunction<CompletableFuture<Void>> promote;

    ClusterPeerService(long clusterId, Membership membership,
            LongFunction<CompletableFuture<Void>> promote) {
        this.clusterId = clusterId;
        this.membership = membership;
        this.promote = promote;
    }

    @Override
    public void members(MembersRequest request, StreamObserver<MembersReply> observer) {
        observer.onNext(MembersReply.newBuilder().setClusterId(clusterId)
                .addAllMembers(membership.members()).build());
        observer.onCompleted();
    }

    @Override
    public void promote(PromoteRequest request, StreamObserver<PromoteReply> observer) {
        PeerFailures.answer(promote.apply(request.getMemberId())
                .thenApply(done -> PromoteReply.getDefaultInstance()), observer);
    }
}
