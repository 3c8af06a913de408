package io.etcetera.mvcc;

import static io.etcetera.mvcc.RandomRequests.bytes;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcetera.mvcc.InvalidRequestException.Reason;

import org.junit.jupiter.api.Test;

/** The pre-proposal checks, with the verdicts etcd 3.4.23 gives for the same requests. */
class RequestChecksTest {

    private static final int MAX_TXN_OPS = 128;

    private static RequestOp put(String key) {
        return RequestOp.newBuilder()
                .setRequestPut(PutRequest.newBuilder().setKey(bytes(key)))
                .build();
    }

    private static RequestOp delete(String key, String end) {
        return RequestOp.newBuilder()
                .setRequestDeleteRange(
                        DeleteRangeRequest.newBuilder().setKey(bytes(key)).setRangeEnd(bytes(end)))
                .build();
    }

    private static RequestOp txn(TxnRequest.Builder txn) {
        return RequestOp.newBuilder().setRequestTxn(txn).build();
    }

    private static void accepted(TxnRequest.Builder txn) {
        assertThatCode(() -> RequestChecks.checkTxn(txn.build(), MAX_TXN_OPS))
                .doesNotThrowAnyException();
    }

    private static void duplicate(TxnRequest.Builder txn) {
        assertThatThrownBy(() -> RequestChecks.checkTxn(txn.build(), MAX_TXN_OPS))
                .isInstanceOf(DuplicateKeyException.class);
    }

    @Test
    void putsAndDeletesMayNotOverlapOnOnePath() {
        duplicate(TxnRequest.newBuilder().addSuccess(put("a")).addSuccess(put("a")));
        duplicate(TxnRequest.newBuilder().addSuccess(delete("x/a", "x/c")).addSuccess(put("x/b")));
        duplicate(TxnRequest.newBuilder().addSuccess(delete("b", "")).addSuccess(put("b")));
        duplicate(
                TxnRequest.newBuilder()
                        .addSuccess(put("x/b"))
                        .addSuccess(txn(TxnRequest.newBuilder().addSuccess(put("x/b")))));
        duplicate(
                TxnRequest.newBuilder()
                        .addSuccess(delete("a", "c"))
                        .addSuccess(txn(TxnRequest.newBuilder().addFailure(put("b")))));
        accepted(TxnRequest.newBuilder().addSuccess(put("a")).addFailure(put("a")));
        accepted(
                TxnRequest.newBuilder()
                        .addSuccess(
                                txn(
                                        TxnRequest.newBuilder()
                                                .addSuccess(put("x/b"))
                                                .addFailure(put("x/b")))));
        accepted(TxnRequest.newBuilder().addSuccess(delete("a", "c")).addSuccess(delete("b", "d")));
        accepted(TxnRequest.newBuilder().addSuccess(delete("x/a", "x/b")).addSuccess(put("x/b")));
    }

    @Test
    void fromKeyDeleteConflictsWithNoPutAsInEtcd() {
        accepted(TxnRequest.newBuilder().addSuccess(delete("x/a", "\0")).addSuccess(put("x/b")));
        accepted(TxnRequest.newBuilder().addSuccess(delete("x/a", "\0")).addSuccess(put("x/a")));
    }

    @Test
    void malformedRequestsAreRefusedWithEtcdsReasons() {
        assertThatThrownBy(() -> RequestChecks.checkRange(RangeRequest.getDefaultInstance()))
                .isInstanceOf(InvalidRequestException.class)
                .extracting(e -> ((InvalidRequestException) e).reason())
                .isEqualTo(Reason.EMPTY_KEY);
        assertThatThrownBy(
                        () ->
                                RequestChecks.checkPut(
                                        PutRequest.newBuilder()
                                                .setKey(bytes("a"))
                                                .setIgnoreValue(true)
                                                .setValue(bytes("v"))
                                                .build()))
                .extracting(e -> ((InvalidRequestException) e).reason())
                .isEqualTo(Reason.VALUE_PROVIDED);
        assertThatThrownBy(
                        () ->
                                RequestChecks.checkPut(
                                        PutRequest.newBuilder()
                                                .setKey(bytes("a"))
                                                .setIgnoreLease(true)
                                                .setLease(5)
                                                .build()))
                .extracting(e -> ((InvalidRequestException) e).reason())
                .isEqualTo(Reason.LEASE_PROVIDED);
        assertThatThrownBy(
                        () ->
                                RequestChecks.checkDeleteRange(
                                        DeleteRangeRequest.getDefaultInstance()))
                .extracting(e -> ((InvalidRequestException) e).reason())
                .isEqualTo(Reason.EMPTY_KEY);
        TxnRequest.Builder tooMany = TxnRequest.newBuilder();
        for (int i = 0; i <= MAX_TXN_OPS; i++) {
            tooMany.addCompare(Compare.newBuilder().setKey(bytes("k" + i)));
        }
        assertThatThrownBy(() -> RequestChecks.checkTxn(tooMany.build(), MAX_TXN_OPS))
                .extracting(e -> ((InvalidRequestException) e).reason())
                .isEqualTo(Reason.TOO_MANY_OPS);
        assertThatThrownBy(
                        () ->
                                RequestChecks.checkTxn(
                                        TxnRequest.newBuilder()
                                                .addSuccess(RequestOp.getDefaultInstance())
                                                .build(),
                                        MAX_TXN_OPS))
                .isInstanceOf(KeyNotFoundException.class);
        assertThatThrownBy(
                        () ->
                                RequestChecks.checkTxn(
                                        TxnRequest.newBuilder()
                                                .addCompare(Compare.getDefaultInstance())
                                                .build(),
                                        MAX_TXN_OPS))
                .extracting(e -> ((InvalidRequestException) e).reason())
                .isEqualTo(Reason.EMPTY_KEY);
    }
}
