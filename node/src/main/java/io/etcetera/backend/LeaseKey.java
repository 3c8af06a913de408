package io.etcetera.backend;

import java.util.Arrays;

/**
 * One attachment of a user key to a lease in {@link Family#LEASE}; the value is empty.
 *
 * <pre>
 * key = BE64(leaseId) userKey
 * </pre>
 *
 * <p>All keys of one lease are contiguous, so revoking a lease scans one prefix.
 *
 * <p>Stateless; used from any thread.
 */
public final class LeaseKey {

    public static final int PREFIX_BYTES = 8;

    private LeaseKey() {}

    public static byte[] encode(long leaseId, byte[] userKey) {
        byte[] out = new byte[PREFIX_BYTES + userKey.length];
        VersionKey.putLong(out, 0, leaseId);
        System.arraycopy(userKey, 0, out, PREFIX_BYTES, userKey.length);
        return out;
    }

    /** The prefix of every attachment to {@code leaseId}. */
    public static byte[] prefix(long leaseId) {
        return encode(leaseId, new byte[0]);
    }

    public static long leaseId(byte[] key) {
        return VersionKey.getLong(key, 0);
    }

    public static byte[] userKey(byte[] key) {
        return Arrays.copyOfRange(key, PREFIX_BYTES, key.length);
    }
}
