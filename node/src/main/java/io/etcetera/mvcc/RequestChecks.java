package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcetera.mvcc.InvalidRequestException.Reason;

/**
 * The checks etcd 3.4 makes on a KV request before proposing it ({@code v3rpc/key.go}): the api
 * calls these, so a malformed request never enters the Raft log. Each throws the typed error etcd
 * would answer with.
 *
 * <p>Stateless; used from any thread.
 */
public final class RequestChecks {

    private RequestChecks() {}

    public static void checkRange(RangeRequest request) {
        requireKey(request.getKey());
    }

    public static void checkPut(PutRequest request) {
        requireKey(request.getKey());
        if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
            throw new InvalidRequestException(Reason.VALUE_PROVIDED, "ignore_value with a value");
        }
        if (request.getIgnoreLease() && request.getLease() != 0) {
            throw new InvalidRequestException(Reason.LEASE_PROVIDED, "ignore_lease with a lease");
        }
    }

    public static void checkDeleteRange(DeleteRangeRequest request) {
        requireKey(request.getKey());
    }

    /**
     * etcd's {@code checkTxnRequest} (at most {@code maxTxnOps} comparisons or operations per
     * level, fewer in nested levels; no empty keys; no empty operations) and then {@link
     * DuplicateKeyCheck} on each branch.
     */
    public static void checkTxn(TxnRequest request, int maxTxnOps) {
        checkTxnOps(request, maxTxnOps);
        DuplicateKeyCheck.check(request.getSuccessList());
        DuplicateKeyCheck.check(request.getFailureList());
    }

    private static void checkTxnOps(TxnRequest request, int maxTxnOps) {
        int opCount =
                Math.max(
                        request.getCompareCount(),
                        Math.max(request.getSuccessCount(), request.getFailureCount()));
        if (opCount > maxTxnOps) {
            throw new InvalidRequestException(
                    Reason.TOO_MANY_OPS,
                    opCount + " operations, at most " + maxTxnOps + " allowed");
        }
        request.getCompareList().forEach(compare -> requireKey(compare.getKey()));
        for (RequestOp op : request.getSuccessList()) {
            checkOp(op, maxTxnOps - opCount);
        }
        for (RequestOp op : request.getFailureList()) {
            checkOp(op, maxTxnOps - opCount);
        }
    }

    private static void checkOp(RequestOp op, int maxTxnOps) {
        switch (op.getRequestCase()) {
            case REQUEST_RANGE -> checkRange(op.getRequestRange());
            case REQUEST_PUT -> checkPut(op.getRequestPut());
            case REQUEST_DELETE_RANGE -> checkDeleteRange(op.getRequestDeleteRange());
            case REQUEST_TXN -> checkTxnOps(op.getRequestTxn(), maxTxnOps);
            default -> throw new KeyNotFoundException(ByteString.EMPTY);
        }
    }

    private static void requireKey(ByteString key) {
        if (key.isEmpty()) {
            throw new InvalidRequestException(Reason.EMPTY_KEY, "key is not provided");
        }
    }
}
