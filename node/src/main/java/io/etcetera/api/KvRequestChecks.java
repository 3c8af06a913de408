package io.etcetera.api;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd's KV service makes on a request before the server sees it ({@code v3rpc/key.go}):
 * a key is given, {@code ignore_value}/{@code ignore_lease} carry no value or lease, a transaction
 * has at most {@code --max-txn-ops} operations per branch, and no key is written twice in one
 * transaction (two puts, or a put inside a deleted range; puts in the two branches of one nested
 * transaction may repeat, since only one branch runs).
 *
 * <p>Each method returns the {@link EtcdError} to answer with, or null when the request passes.
 * Stateless apart from the configured maximum; thread-safe.
 */
public final class KvRequestChecks {

    private static final Comparator<ByteString> KEY_ORDER =
            ByteString.unsignedLexicographicalComparator();

    /** {@code --max-txn-ops}. */
    private final long maxTxnOps;

    public KvRequestChecks(long maxTxnOps) {
        this.maxTxnOps = maxTxnOps;
    }

    /** etcd's {@code checkRangeRequest}. */
    public static EtcdError checkRange(RangeRequest request) {
        return request.getKey().isEmpty() ? EtcdError.EMPTY_KEY : null;
    }

    /** etcd's {@code checkPutRequest}. */
    public static EtcdError checkPut(PutRequest request) {
        if (request.getKey().isEmpty()) {
            return EtcdError.EMPTY_KEY;
        }
        if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
            return EtcdError.VALUE_PROVIDED;
        }
        if (request.getIgnoreLease() && request.getLease() != 0) {
            return EtcdError.LEASE_PROVIDED;
        }
        return null;
    }

    /** etcd's {@code checkDeleteRequest}. */
    public static EtcdError checkDeleteRange(DeleteRangeRequest request) {
        return request.getKey().isEmpty() ? EtcdError.EMPTY_KEY : null;
    }

    /**
     * etcd's {@code checkTxnRequest}, then {@code checkIntervals} on both branches, as its Txn
     * does.
     */
    public EtcdError checkTxn(TxnRequest request) {
        EtcdError error = checkTxnOps(request, maxTxnOps);
        if (error != null) {
            return error;
        }
        try {
            writtenKeys(request.getSuccessList());
            writtenKeys(request.getFailureList());
            return null;
        } catch (DuplicateKeyException e) {
            return EtcdError.DUPLICATE_KEY;
        }
    }

    /**
     * Counts operations as etcd does: the largest of the compare, success and failure lists; nested
     * transactions are checked against what is left of the budget.
     */
    private static EtcdError checkTxnOps(TxnRequest request, long opsMax) {
        long ops =
                Math.max(
                        request.getCompareCount(),
                        Math.max(request.getSuccessCount(), request.getFailureCount()));
        if (ops > opsMax) {
            return EtcdError.TOO_MANY_OPS;
        }
        for (Compare compare : request.getCompareList()) {
            if (compare.getKey().isEmpty()) {
                return EtcdError.EMPTY_KEY;
            }
        }
        for (List<RequestOp> branch : List.of(request.getSuccessList(), request.getFailureList())) {
            for (RequestOp op : branch) {
                EtcdError error = checkOp(op, opsMax - ops);
                if (error != null) {
                    return error;
                }
            }
        }
        return null;
    }

    private static EtcdError checkOp(RequestOp op, long opsMax) {
        return switch (op.getRequestCase()) {
            case REQUEST_RANGE -> checkRange(op.getRequestRange());
            case REQUEST_PUT -> checkPut(op.getRequestPut());
            case REQUEST_DELETE_RANGE -> checkDeleteRange(op.getRequestDeleteRange());
            case REQUEST_TXN -> checkTxnOps(op.getRequestTxn(), opsMax);
            case REQUEST_NOT_SET -> EtcdError.KEY_NOT_FOUND;
        };
    }

    /**
     * etcd's {@code checkIntervals}: the keys {@code ops} put and the ranges they delete, refusing
     * a key put twice or put inside a deleted range. Deletes of one level are collected before its
     * puts and nested transactions are checked.
     */
    private static Writes writtenKeys(List<RequestOp> ops) {
        Writes writes = new Writes();
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                DeleteRangeRequest delete = op.getRequestDeleteRange();
                writes.deletes.add(new KeyInterval(delete.getKey(), delete.getRangeEnd()));
            }
        }
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            Writes then = writtenKeys(op.getRequestTxn().getSuccessList());
            Writes otherwise = writtenKeys(op.getRequestTxn().getFailureList());
            for (ByteString key : then.puts) {
                writes.addPut(key);
            }
            for (ByteString key : otherwise.puts) {
                if (!then.puts.contains(key)) {
                    writes.addPut(key);
                } else {
                    writes.refuseIfDeleted(key);
                }
            }
            writes.deletes.addAll(then.deletes);
            writes.deletes.addAll(otherwise.deletes);
        }
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                writes.addPut(op.getRequestPut().getKey());
            }
        }
        return writes;
    }

    /** Keys put and ranges deleted by a list of operations. */
    private static final class Writes {
        final Set<ByteString> puts = new HashSet<>();
        final List<KeyInterval> deletes = new ArrayList<>();

        void addPut(ByteString key) {
            if (puts.contains(key)) {
                throw new DuplicateKeyException();
            }
            refuseIfDeleted(key);
            puts.add(key);
        }

        void refuseIfDeleted(ByteString key) {
            for (KeyInterval deleted : deletes) {
                if (deleted.contains(key)) {
                    throw new DuplicateKeyException();
                }
            }
        }
    }

    /**
     * A deleted key or range, compared as etcd's {@code adt} affine intervals do: {@code [key,
     * end)} bytewise, an empty {@code end} is the single key. NB: like etcd, {@code end = "\0"}
     * (all keys from {@code key} on) gives an empty interval, so it conflicts with no put.
     */
    private record KeyInterval(ByteString key, ByteString end) {
        boolean contains(ByteString candidate) {
            if (end.isEmpty()) {
                return key.equals(candidate);
            }
            return KEY_ORDER.compare(key, candidate) <= 0 && KEY_ORDER.compare(candidate, end) < 0;
        }
    }

    /** Unwinds the recursion of {@link #writtenKeys} at the first duplicate. */
    private static final class DuplicateKeyException extends RuntimeException {
        DuplicateKeyException() {
            super(null, null, false, false);
        }
    }
}
