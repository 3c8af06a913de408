package io.etcetera.api;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcetera.server.RaftKv;
import io.grpc.stub.StreamObserver;

/**
 * etcd's KV service ({@code v3rpc/key.go}): etcd's request checks, then the member's {@link
 * RaftKv}. Runs on the client port's I/O threads and never blocks: each call is answered when the
 * server's future completes. Immutable.
 */
final class KvService implements KVGrpc.AsyncService {

    private final RaftKv kv;
    private final KvRequestChecks checks;

    KvService(RaftKv kv, long maxTxnOps) {
        this.kv = kv;
        this.checks = new KvRequestChecks(maxTxnOps);
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        EtcdError refused = KvRequestChecks.checkRange(request);
        if (refused != null) {
            observer.onError(refused.exception());
            return;
        }
        Replies.send(kv.range(request, Replies.callExecutor()), observer);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        EtcdError refused = KvRequestChecks.checkPut(request);
        if (refused != null) {
            observer.onError(refused.exception());
            return;
        }
        Replies.send(kv.put(request), observer);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request,
            StreamObserver<DeleteRangeResponse> observer) {
        EtcdError refused = KvRequestChecks.checkDeleteRange(request);
        if (refused != null) {
            observer.onError(refused.exception());
            return;
        }
        Replies.send(kv.deleteRange(request), observer);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        EtcdError refused = checks.checkTxn(request);
        if (refused != null) {
            observer.onError(refused.exception());
            return;
        }
        Replies.send(kv.txn(request, Replies.callExecutor()), observer);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        Replies.send(kv.compact(request), observer);
    }
}
