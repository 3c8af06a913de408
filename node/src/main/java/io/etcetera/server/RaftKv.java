package io.etcetera.server;

import io.etcd.jetcd.api.CompactionRequest;
import io.etcd.jetcd.api.CompactionResponse;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.DeleteRangeResponse;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcetera.mvcc.BackendQuota;
import io.etcetera.server.RequestFailedException.Reason;
import io.etcetera.server.pb.RaftRequest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The key-value requests of a member (etcd's {@code RaftKV}): writes go through Raft and complete
 * once applied; linearizable reads wait for a batched read index, serializable reads are served
 * from the local store at once, and read-only txns skip Raft as etcd's do. Every response carries
 * the member's header. Puts and txns with puts that would exceed the backend quota are refused
 * with {@code NO_SPACE} ({@link QuotaGate}).
 *
 * <p>Requests must have passed etcd's request checks (the api makes them). Thread-safe and
 * non-blocking: every method returns at once; a future completes on the thread that produced the
 * result, or, for reads that waited, on the {@code readExecutor} the caller gives.
 */
public final class RaftKv {

    private final Proposals proposals;
    private final ReadIndexBatcher reads;
    private final StoreReads store;
    private final Headers headers;
    private final QuotaGate quota;
    private final Compactor compactor;

    RaftKv(Proposals proposals, ReadIndexBatcher reads, StoreReads store, Headers headers,
            QuotaGate quota, Compactor compactor) {
        this.proposals = proposals;
        this.reads = reads;
        this.store = store;
        this.headers = headers;
        this.quota = quota;
        this.compactor = compactor;
    }

    /** etcd's Range; a linearizable one runs on {@code readExecutor} once its read index is. */
    public CompletableFuture<RangeResponse> range(RangeRequest request, Executor readExecutor) {
        if (request.getSerializable()) {
            return now(() -> readRange(request));
        }
        return reads.barrier().thenApplyAsync(ready -> readRange(request), readExecutor);
    }

    private RangeResponse readRange(RangeRequest request) {
        RangeResponse response = store.read(view -> view.range(request));
        return response.toBuilder().setHeader(headers.fill(response.getHeader())).build();
    }

    public CompletableFuture<PutResponse> put(PutRequest request) {
        if (!quota.admit(BackendQuota.costBytes(request))) {
            return CompletableFuture.failedFuture(RequestFailedException.of(Reason.NO_SPACE));
        }
        return proposals.propose(RaftRequest.newBuilder().setPut(request)).thenApply(result -> {
            PutResponse response = (PutResponse) result;
            return response.toBuilder().setHeader(headers.fill(response.getHeader())).build();
        });
    }

    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
        return proposals.propose(RaftRequest.newBuilder().setDeleteRange(request))
                .thenApply(result -> {
                    DeleteRangeResponse response = (DeleteRangeResponse) result;
                    return response.toBuilder().setHeader(headers.fill(response.getHeader()))
                            .build();
                });
    }

    /** etcd's Txn: a read-only one is served like a range, without Raft. */
    public CompletableFuture<TxnResponse> txn(TxnRequest request, Executor readExecutor) {
        if (isReadOnly(request)) {
            if (isSerializable(request)) {
                return now(() -> readTxn(request));
            }
            return reads.barrier().thenApplyAsync(ready -> readTxn(request), readExecutor);
        }
        if (!quota.admit(BackendQuota.costBytes(request))) {
            return CompletableFuture.failedFuture(RequestFailedException.of(Reason.NO_SPACE));
        }
        return proposals.propose(RaftRequest.newBuilder().setTxn(request)).thenApply(result -> {
            TxnResponse response = (TxnResponse) result;
            return response.toBuilder().setHeader(headers.fill(response.getHeader())).build();
        });
    }

    private TxnResponse readTxn(TxnRequest request) {
        TxnResponse response = store.read(view -> view.txn(request));
        return response.toBuilder().setHeader(headers.fill(response.getHeader())).build();
    }

    /**
     * etcd's Compact; with {@code physical} it completes only once the compacted versions are
     * removed. The header carries the revision current when it completes, as etcd's does.
     */
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        CompletableFuture<Object> applied =
                proposals.propose(RaftRequest.newBuilder().setCompaction(request));
        CompletableFuture<Object> done = !request.getPhysical() ? applied
                : applied.thenCompose(result ->
                        compactor.awaitCompacted(request.getRevision()).thenApply(v -> result));
        return done.thenApply(result -> CompactionResponse.newBuilder()
                .setHeader(headers.current()).build());
    }

    /** etcd's {@code isTxnReadonly}: every operation of both branches is a range. */
    static boolean isReadOnly(TxnRequest request) {
        for (RequestOp op : request.getSuccessList()) {
            if (!op.hasRequestRange()) {
                return false;
            }
        }
        for (RequestOp op : request.getFailureList()) {
            if (!op.hasRequestRange()) {
                return false;
            }
        }
        return true;
    }

    /** etcd's {@code isTxnSerializable}: every range of both branches is serializable. */
    private static boolean isSerializable(TxnRequest request) {
        for (RequestOp op : request.getSuccessList()) {
            if (!op.getRequestRange().getSerializable()) {
                return false;
            }
        }
        for (RequestOp op : request.getFailureList()) {
            if (!op.getRequestRange().getSerializable()) {
                return false;
            }
        }
        return true;
    }

    private static <T> CompletableFuture<T> now(Supplier<T> read) {
        try {
            return CompletableFuture.completedFuture(read.get());
        } catch (RequestFailedException failure) {
            return CompletableFuture.failedFuture(failure);
        }
    }
}
