package io.etcetera.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;

import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;

import org.junit.jupiter.api.Test;

/**
 * Txn counting as real etcd 3.4 counts (checked with etcdctl against etcd 3.4.23): a txn with a
 * compare and two puts adds a range, two puts and a txn; a txn of one put adds one put and no txn.
 */
class MvccMetricsTest {

    private static final ByteString KEY = ByteString.copyFromUtf8("k");

    private static RequestOp put() {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(KEY)).build();
    }

    private record Totals(double ranges, double puts, double deletes, double txns) {
        static Totals now() {
            return new Totals(MvccMetrics.RANGES.count(), MvccMetrics.PUTS.count(),
                    MvccMetrics.DELETES.count(), MvccMetrics.TXNS.count());
        }

        Totals minus(Totals before) {
            return new Totals(ranges - before.ranges, puts - before.puts,
                    deletes - before.deletes, txns - before.txns);
        }
    }

    @Test
    void aTxnCountsItsComparesAsRangesAndItsTakenBranchsOperations() {
        TxnRequest txn = TxnRequest.newBuilder().addCompare(Compare.newBuilder().setKey(KEY))
                .addSuccess(put()).addSuccess(put())
                .addFailure(RequestOp.newBuilder().setRequestDeleteRange(
                        DeleteRangeRequest.newBuilder().setKey(KEY)))
                .build();
        Totals before = Totals.now();
        MvccMetrics.txn(txn, true);
        assertThat(Totals.now().minus(before)).isEqualTo(new Totals(1, 2, 0, 1));
        before = Totals.now();
        MvccMetrics.txn(txn, false);
        assertThat(Totals.now().minus(before)).isEqualTo(new Totals(1, 0, 1, 1));
    }

    @Test
    void aTxnOfOneOperationIsNotCountedAsATxn() {
        Totals before = Totals.now();
        MvccMetrics.txn(TxnRequest.newBuilder().addSuccess(put()).build(), true);
        assertThat(Totals.now().minus(before)).isEqualTo(new Totals(0, 1, 0, 0));
        before = Totals.now();
        MvccMetrics.txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder()
                .setRequestRange(RangeRequest.newBuilder().setKey(KEY))).build(), true);
        assertThat(Totals.now().minus(before)).isEqualTo(new Totals(1, 0, 0, 0));
    }
}
