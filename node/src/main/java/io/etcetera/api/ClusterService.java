package io.etcetera.api;

import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberAddResponse;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberListResponse;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.MemberRemoveResponse;
import io.etcd.jetcd.api.MemberUpdateRequest;
import io.etcd.jetcd.api.MemberUpdateResponse;
import io.etcetera.server.Cluster;
import io.etcetera.server.pb.MemberPromoteRequest;
import io.etcetera.server.pb.MemberPromoteResponse;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * etcd's Cluster service: the member list, and membership changes (add as voter or learner,
 * remove, update peer URLs, promote a learner), each answered once this member applied it. etcd
 * 3.4's MemberPromote, which jetcd's generated service lacks, is served under etcd's method name
 * ({@link #definition}). Runs on the client port's I/O threads; never blocks. Immutable.
 */
final class ClusterService implements ClusterGrpc.AsyncService {

    /** {@code etcdserverpb.Cluster/MemberPromote}, with etcd's message layout. */
    static final MethodDescriptor<MemberPromoteRequest, MemberPromoteResponse> MEMBER_PROMOTE =
            MethodDescriptor.<MemberPromoteRequest, MemberPromoteResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(
                            ClusterGrpc.SERVICE_NAME, "MemberPromote"))
                    .setRequestMarshaller(ProtoUtils.marshaller(
                            MemberPromoteRequest.getDefaultInstance()))
                    .setResponseMarshaller(ProtoUtils.marshaller(
                            MemberPromoteResponse.getDefaultInstance()))
                    .build();

    private final Cluster cluster;

    ClusterService(Cluster cluster) {
        this.cluster = cluster;
    }

    /** The service with jetcd's four methods and etcd's MemberPromote. */
    ServerServiceDefinition definition() {
        ServerServiceDefinition generated = ClusterGrpc.bindService(this);
        ServerServiceDefinition.Builder builder =
                ServerServiceDefinition.builder(ClusterGrpc.SERVICE_NAME);
        generated.getMethods().forEach(builder::addMethod);
        builder.addMethod(MEMBER_PROMOTE, ServerCalls.asyncUnaryCall(this::memberPromote));
        return builder.build();
    }

    @Override
    public void memberList(MemberListRequest request,
            StreamObserver<MemberListResponse> observer) {
        observer.onNext(cluster.memberList());
        observer.onCompleted();
    }

    @Override
    public void memberAdd(MemberAddRequest request, StreamObserver<MemberAddResponse> observer) {
        Replies.send(cluster.memberAdd(request.getPeerURLsList(), request.getIsLearner()),
                observer);
    }

    @Override
    public void memberRemove(MemberRemoveRequest request,
            StreamObserver<MemberRemoveResponse> observer) {
        Replies.send(cluster.memberRemove(request.getID()), observer);
    }

    @Override
    public void memberUpdate(MemberUpdateRequest request,
            StreamObserver<MemberUpdateResponse> observer) {
        Replies.send(cluster.memberUpdate(request.getID(), request.getPeerURLsList()), observer);
    }

    void memberPromote(MemberPromoteRequest request,
            StreamObserver<MemberPromoteResponse> observer) {
        Replies.send(cluster.memberPromote(request.getID()), observer);
    }
}
