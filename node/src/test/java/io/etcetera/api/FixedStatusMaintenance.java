package io.etcetera.api;

import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;

/**
 * A test-only Maintenance service whose Status answers fixed fields, to prove that clients reach
 * the client port's gRPC side. Stateless.
 */
final class FixedStatusMaintenance extends MaintenanceGrpc.MaintenanceImplBase {

    static final long CLUSTER_ID = 0x1234_5678_9abcL;
    static final long MEMBER_ID = 0x42L;
    static final long RAFT_INDEX = 7;
    static final long RAFT_TERM = 2;
    static final long DB_SIZE_BYTES = 24_576;

    static final StatusResponse STATUS =
            StatusResponse.newBuilder()
                    .setHeader(
                            ResponseHeader.newBuilder()
                                    .setClusterId(CLUSTER_ID)
                                    .setMemberId(MEMBER_ID)
                                    .setRevision(1)
                                    .setRaftTerm(RAFT_TERM))
                    .setVersion("3.4.23")
                    .setDbSize(DB_SIZE_BYTES)
                    .setLeader(MEMBER_ID)
                    .setRaftIndex(RAFT_INDEX)
                    .setRaftTerm(RAFT_TERM)
                    .build();

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> responseObserver) {
        responseObserver.onNext(STATUS);
        responseObserver.onCompleted();
    }
}
