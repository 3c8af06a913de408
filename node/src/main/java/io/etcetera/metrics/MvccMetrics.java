package io.etcetera.metrics;

import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.micrometer.core.instrument.Counter;

import java.util.List;

/**
 * etcd's {@code etcd_mvcc_*_total} counters, counted as etcd's {@code metricsTxnWrite} does: each
 * Range, Put and DeleteRange call counts one; a txn counts its compares as ranges and the
 * operations of the branch it took, and counts as a txn when that makes more than one operation.
 * The database and revision gauges read a running store and are registered by the member. Static,
 * as etcd's package-level counters. Thread-safe; counting allocates nothing.
 */
public final class MvccMetrics {

    public static final Counter RANGES = counter("etcd_mvcc_range_total", "Ranges seen.");
    public static final Counter PUTS = counter("etcd_mvcc_put_total", "Puts seen.");
    public static final Counter DELETES = counter("etcd_mvcc_delete_total", "Deletes seen.");
    public static final Counter TXNS = counter("etcd_mvcc_txn_total", "Txns seen.");

    private MvccMetrics() {}

    private static Counter counter(String name, String help) {
        return Counter.builder(name).description(help + " (by this member)")
                .register(EtcdRegistry.REGISTRY);
    }

    /** Counts one txn that ran {@code succeeded ? success : failure}. */
    public static void txn(TxnRequest request, boolean succeeded) {
        List<RequestOp> branch = succeeded ? request.getSuccessList() : request.getFailureList();
        int ranges = request.getCompareCount();
        int puts = 0;
        int deletes = 0;
        for (int i = 0; i < branch.size(); i++) {
            switch (branch.get(i).getRequestCase()) {
                case REQUEST_RANGE -> ranges++;
                case REQUEST_PUT -> puts++;
                case REQUEST_DELETE_RANGE -> deletes++;
                default -> { } // a nested txn counts in its own call
            }
        }
        RANGES.increment(ranges);
        PUTS.increment(puts);
        DELETES.increment(deletes);
        if (ranges + puts + deletes > 1) {
            TXNS.increment();
        }
    }
}
