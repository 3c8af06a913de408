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

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

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
        reply(KvRequestChecks.checkRange(request),
                () -> kv.range(request, Replies.callExecutor()), observer);
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        reply(KvRequestChecks.checkPut(request), () -> kv.put(request), observer);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request,
            StreamObserver<DeleteRangeResponse> observer) {
        reply(KvRequestChecks.checkDeleteRange(request), () -> kv.deleteRange(request), observer);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        reply(checks.checkTxn(request), () -> kv.txn(request, Replies.callExecutor()), observer);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        Replies.send(kv.compact(request), observer);
    }

    /** Refuses with etcd's error when the checks did, else answers with the server's result. */
    private static <T> void reply(EtcdError refused, Supplier<CompletableFuture<T>> call,
            StreamObserver<T> observer) {
        if (refused != null) {
            observer.onError(refused.exception());
        } else {
            Replies.send(call.get(), observer);
        }
    }
}
