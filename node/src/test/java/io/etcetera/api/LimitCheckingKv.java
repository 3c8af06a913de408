package io.etcetera.api;

import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.stub.StreamObserver;

/**
 * A test-only KV service that stores nothing: it runs the real request checks ({@link
 * KvRequestChecks}, the request size limit) and answers an empty success when they pass, so tests
 * can compare etcd's refusals with ours through real clients. Stateless.
 */
final class LimitCheckingKv extends KVGrpc.KVImplBase {

    private static final ResponseHeader HEADER =
            ResponseHeader.newBuilder()
                    .setClusterId(FixedStatusMaintenance.CLUSTER_ID)
                    .setMemberId(FixedStatusMaintenance.MEMBER_ID)
                    .setRevision(1)
                    .setRaftTerm(FixedStatusMaintenance.RAFT_TERM)
                    .build();

    private final KvRequestChecks checks;
    private final long maxRequestBytes;

    LimitCheckingKv(long maxTxnOps, long maxRequestBytes) {
        this.checks = new KvRequestChecks(maxTxnOps);
        this.maxRequestBytes = maxRequestBytes;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> responseObserver) {
        EtcdError error = KvRequestChecks.checkRange(request);
        if (error != null) {
            responseObserver.onError(error.exception());
            return;
        }
        responseObserver.onNext(RangeResponse.newBuilder().setHeader(HEADER).build());
        responseObserver.onCompleted();
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> responseObserver) {
        EtcdError error = KvRequestChecks.checkPut(request);
        if (error == null && request.getSerializedSize() > maxRequestBytes) {
            error = EtcdError.REQUEST_TOO_LARGE;
        }
        if (error != null) {
            responseObserver.onError(error.exception());
            return;
        }
        responseObserver.onNext(PutResponse.newBuilder().setHeader(HEADER).build());
        responseObserver.onCompleted();
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> responseObserver) {
        EtcdError error = checks.checkTxn(request);
        if (error != null) {
            responseObserver.onError(error.exception());
            return;
        }
        responseObserver.onNext(
                TxnResponse.newBuilder().setHeader(HEADER).setSucceeded(true).build());
        responseObserver.onCompleted();
    }
}
