package io.etcetera.api;

import io.etcd.jetcd.api.LeaseGrantRequest;
import io.etcd.jetcd.api.LeaseGrantResponse;
import io.etcd.jetcd.api.LeaseGrpc;
import io.etcd.jetcd.api.LeaseKeepAliveRequest;
import io.etcd.jetcd.api.LeaseKeepAliveResponse;
import io.etcd.jetcd.api.LeaseRevokeRequest;
import io.etcd.jetcd.api.LeaseRevokeResponse;
import io.etcd.jetcd.api.LeaseTimeToLiveRequest;
import io.etcd.jetcd.api.LeaseTimeToLiveResponse;
import io.etcetera.api.pb.LeaseLeasesRequest;
import io.etcetera.api.pb.LeaseLeasesResponse;
import io.etcetera.api.pb.LeaseStatus;
import io.etcetera.server.Leases;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

import java.util.concurrent.Executor;

/**
 * etcd's Lease service ({@code v3rpc/lease.go}) over the member's {@link Leases}: grant, revoke,
 * TimeToLive and Leases answer once the server's future completes; a KeepAlive stream answers
 * each request in order, one at a time (the next request is read only once the previous one is
 * answered, so a flooding client is held back by gRPC flow control). A failure other than an
 * unknown lease (which answers TTL 0) ends the stream with etcd's error, as etcd's does.
 *
 * <p>etcd 3.4's LeaseLeases (etcdctl's {@code lease list}) is missing from jetcd's generated
 * service, so {@link #bind} adds it under etcd's method name with messages of our own that have
 * etcd's field numbers.
 *
 * <p>Runs on the client port's I/O threads and never blocks. Immutable.
 */
final class LeaseService implements LeaseGrpc.AsyncService {

    /** etcd's {@code etcdserverpb.Lease/LeaseLeases}. */
    static final MethodDescriptor<LeaseLeasesRequest, LeaseLeasesResponse> LEASE_LEASES =
            MethodDescriptor.<LeaseLeasesRequest, LeaseLeasesResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName(
                            LeaseGrpc.SERVICE_NAME, "LeaseLeases"))
                    .setRequestMarshaller(
                            ProtoUtils.marshaller(LeaseLeasesRequest.getDefaultInstance()))
                    .setResponseMarshaller(
                            ProtoUtils.marshaller(LeaseLeasesResponse.getDefaultInstance()))
                    .build();

    private final Leases leases;

    private LeaseService(Leases leases) {
        this.leases = leases;
    }

    /** etcd's whole Lease service over {@code leases}: jetcd's methods plus LeaseLeases. */
    static ServerServiceDefinition bind(Leases leases) {
        LeaseService service = new LeaseService(leases);
        ServerServiceDefinition.Builder definition =
                ServerServiceDefinition.builder(LeaseGrpc.SERVICE_NAME);
        LeaseGrpc.bindService(service).getMethods().forEach(definition::addMethod);
        definition.addMethod(LEASE_LEASES, ServerCalls.asyncUnaryCall(service::leaseLeases));
        return definition.build();
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request,
            StreamObserver<LeaseGrantResponse> observer) {
        Replies.send(leases.grant(request), observer);
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request,
            StreamObserver<LeaseRevokeResponse> observer) {
        Replies.send(leases.revoke(request), observer);
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request,
            StreamObserver<LeaseTimeToLiveResponse> observer) {
        Replies.send(leases.timeToLive(request), observer);
    }

    /** etcd's LeaseLeases: every granted lease. */
    void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
        Leases.LeaseList list = leases.leases();
        LeaseLeasesResponse.Builder response =
                LeaseLeasesResponse.newBuilder().setHeader(list.header());
        for (long id : list.ids()) {
            response.addLeases(LeaseStatus.newBuilder().setID(id));
        }
        observer.onNext(response.build());
        observer.onCompleted();
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(
            StreamObserver<LeaseKeepAliveResponse> responses) {
        return new KeepAliveCall((ServerCallStreamObserver<LeaseKeepAliveResponse>) responses,
                leases, Replies.callExecutor());
    }

    /** One KeepAlive stream. Confined to the call's I/O thread. */
    private static final class KeepAliveCall implements StreamObserver<LeaseKeepAliveRequest> {

        private final ServerCallStreamObserver<LeaseKeepAliveResponse> responses;
        private final Leases leases;
        private final Executor callThread;
        private boolean ended;

        KeepAliveCall(ServerCallStreamObserver<LeaseKeepAliveResponse> responses, Leases leases,
                Executor callThread) {
            this.responses = responses;
            this.leases = leases;
            this.callThread = callThread;
            responses.disableAutoRequest();
            responses.setOnCancelHandler(() -> ended = true);
            responses.request(1);
        }

        @Override
        public void onNext(LeaseKeepAliveRequest request) {
            leases.keepAlive(request.getID()).whenCompleteAsync((response, failure) -> {
                if (ended) {
                    return;
                }
                if (failure != null) {
                    ended = true;
                    responses.onError(ServerErrors.toStatus(failure));
                    return;
                }
                responses.onNext(response);
                responses.request(1);
            }, callThread);
        }

        @Override
        public void onError(Throwable cause) {
            ended = true;
        }

        @Override
        public void onCompleted() {
            if (!ended) {
                ended = true;
                responses.onCompleted();
            }
        }
    }
}
