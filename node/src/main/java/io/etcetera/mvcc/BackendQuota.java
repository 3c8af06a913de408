package io.etcetera.mvcc;

import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;

import java.util.List;

/**
 * etcd 3.4's backend quota ({@code --quota-backend-bytes}): a write is admitted only if the
 * database plus the write's estimated cost stays below the quota. The server raises etcd's NOSPACE
 * alarm when it is not. A negative quota disables the check; zero means etcd's default of 2 GiB.
 *
 * <p>Thread-safe (reads the store's size).
 */
public final class BackendQuota {

    /** etcd's {@code DefaultQuotaBytes}. */
    public static final long DEFAULT_QUOTA_BYTES = 2L << 30;

    /** etcd's per-pair overhead estimate ({@code kvOverhead}). */
    static final long KV_OVERHEAD_BYTES = 256;

    /** etcd's per-lease estimate ({@code leaseOverhead}). */
    public static final long LEASE_OVERHEAD_BYTES = 64;

    private final MvccStore store;
    private final long quotaBytes;

    public BackendQuota(MvccStore store, long quotaBackendBytes) {
        this.store = store;
        this.quotaBytes = quotaBackendBytes == 0 ? DEFAULT_QUOTA_BYTES : quotaBackendBytes;
    }

    /** The quota in bytes (etcd's default when the flag was 0; not above 0 when disabled). */
    public long quotaBytes() {
        return quotaBytes;
    }

    public boolean isEnabled() {
        return quotaBytes > 0;
    }

    /** Whether a write of {@code costBytes} fits (always, for a write that costs nothing). */
    public boolean isAvailable(long costBytes) {
        return !isEnabled() || costBytes == 0 || store.dbSizeBytes() + costBytes < quotaBytes;
    }

    /** Bytes left under the quota (negative once exceeded). */
    public long remainingBytes() {
        return quotaBytes - store.dbSizeBytes();
    }

    public static long costBytes(PutRequest put) {
        return KV_OVERHEAD_BYTES + put.getKey().size() + put.getValue().size();
    }

    /**
     * The larger of the costs of the txn's two branches (only their own puts count, as in etcd).
     */
    public static long costBytes(TxnRequest txn) {
        return Math.max(putsCostBytes(txn.getSuccessList()), putsCostBytes(txn.getFailureList()));
    }

    private static long putsCostBytes(List<RequestOp> ops) {
        long cost = 0;
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                cost += costBytes(op.getRequestPut());
            }
        }
        return cost;
    }
}
