package io.etcetera.api;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcetera.server.Cluster;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Cluster service: the member list (membership changes come with multi-member clusters).
 * Runs on the client port's I/O threads; answers from memory. Immutable.
 */
final class ClusterService implements ClusterGrpc.AsyncService {

    private final Cluster cluster;

    ClusterService(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public void memberList(MemberListRequest request,
            StreamObserver<MemberListResponse> observer) {
        observer.onNext(cluster.memberList());
        observer.onCompleted();
    }
}
