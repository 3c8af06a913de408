package io.etcetera.mvcc;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.ResponseOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.etcetera.invariants.Invariants;
import io.etcetera.metrics.MvccMetrics;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * Runs one etcd txn, as etcd 3.4's {@code applierV3backend.Txn}:
 *
 * <ol>
 *   <li>evaluate the comparisons of the txn and of every nested txn on the chosen branches, all
 *       against the state before any operation runs (the {@link Branch} tree);
 *   <li>check the chosen operations: puts (write txns only) for {@code ignore_*} on missing keys
 *       and for unknown leases, ranges for compacted or future revisions — any failure rejects the
 *       whole txn before it changes anything;
 *   <li>run the operations in order; reads see the writes before them; nested txns carry an empty
 *       header, the top one the txn's revision (one revision for all its changes, none if it
 *       changed nothing).
 * </ol>
 *
 * <p>Confined to the thread that runs the txn: the apply thread, or a reader for read-only txns.
 */
final class TxnRunner {

    /** The outcome of a txn's comparisons and of the nested txns on the branch it takes. */
    private record Branch(boolean succeeded, List<RequestOp> ops, List<Branch> nested) {}

    private final KvReader reader;

    /** Null for a read-only txn served from a read view. */
    private final WriteTxn writer;

    private final long viewRevision;
    private final LongPredicate leaseExists;

    /** A runner for a txn that may write, inside an apply batch. */
    TxnRunner(WriteTxn writer, LongPredicate leaseExists) {
        this.reader = writer.reader();
        this.writer = writer;
        this.viewRevision = writer.readRevision();
        this.leaseExists = leaseExists;
    }

    /** A runner for a read-only txn at {@code viewRevision}. */
    TxnRunner(KvReader reader, long viewRevision) {
        this.reader = reader;
        this.writer = null;
        this.viewRevision = viewRevision;
        this.leaseExists = lease -> false;
    }

    /** Whether every operation of the txn, on both branches, is a range (etcd's isTxnReadonly). */
    static boolean isReadOnly(TxnRequest txn) {
        return txn.getSuccessList().stream().allMatch(RequestOp::hasRequestRange)
                && txn.getFailureList().stream().allMatch(RequestOp::hasRequestRange);
    }

    TxnResponse run(TxnRequest txn) {
        Invariants.check(
                writer != null || isReadOnly(txn), "a read view cannot run a txn that writes");
        Branch branch = decide(txn);
        if (!isReadOnly(txn)) {
            forEachOp(branch, this::checkPut);
        }
        forEachOp(branch, this::checkRange);
        TxnResponse.Builder response = execute(branch);
        MvccMetrics.txn(txn, branch.succeeded());
        long revision = writer == null ? viewRevision : writer.readRevision();
        return response.setHeader(ResponseHeader.newBuilder().setRevision(revision)).build();
    }

    private Branch decide(TxnRequest txn) {
        boolean succeeded = true;
        for (Compare compare : txn.getCompareList()) {
            if (!reader.compare(compare, viewRevision)) {
                succeeded = false;
                break;
            }
        }
        List<RequestOp> ops = succeeded ? txn.getSuccessList() : txn.getFailureList();
        List<Branch> nested = new ArrayList<>();
        for (RequestOp op : ops) {
            if (op.hasRequestTxn()) {
                nested.add(decide(op.getRequestTxn()));
            }
        }
        return new Branch(succeeded, ops, nested);
    }

    private interface OpCheck {
        void check(RequestOp op);
    }

    private static void forEachOp(Branch branch, OpCheck check) {
        int nestedIndex = 0;
        for (RequestOp op : branch.ops()) {
            if (op.hasRequestTxn()) {
                forEachOp(branch.nested().get(nestedIndex++), check);
            } else {
                check.check(op);
            }
        }
    }

    private void checkPut(RequestOp op) {
        if (!op.hasRequestPut()) {
            return;
        }
        PutRequest put = op.getRequestPut();
        writer.checkIgnoreFlags(put);
        if (put.getLease() != 0 && !leaseExists.test(put.getLease())) {
            throw new LeaseNotFoundException(put.getLease());
        }
    }

    private void checkRange(RequestOp op) {
        if (op.hasRequestRange()) {
            reader.checkTxnRangeRevision(op.getRequestRange().getRevision(), viewRevision);
        }
    }

    private TxnResponse.Builder execute(Branch branch) {
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(branch.succeeded());
        int nestedIndex = 0;
        for (RequestOp op : branch.ops()) {
            ResponseOp.Builder result = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> result.setResponseRange(range(op.getRequestRange()));
                case REQUEST_PUT -> result.setResponsePut(writer.put(op.getRequestPut()));
                case REQUEST_DELETE_RANGE ->
                        result.setResponseDeleteRange(
                                writer.deleteRange(op.getRequestDeleteRange()));
                case REQUEST_TXN ->
                        result.setResponseTxn(
                                execute(branch.nested().get(nestedIndex++))
                                        .setHeader(ResponseHeader.getDefaultInstance()));
                default -> {} // an empty op: the api refuses it before it gets here, as etcd does
            }
            response.addResponses(result);
        }
        return response;
    }

    private io.etcd.jetcd.api.RangeResponse range(RangeRequest request) {
        return reader.range(request, writer == null ? viewRevision : writer.readRevision());
    }
}
