package io.etcetera.operator.etcd;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Checks etcd's snapshot stream: {@code Maintenance.Snapshot} sends the database file followed by
 * the 32-byte SHA-256 of the database (etcd 3.4 v3rpc/maintenance.go; {@code etcdctl snapshot
 * restore} verifies it the same way). Fed every byte in order, it hashes all but the last 32, and
 * separately hashes everything, which is the digest of the file as written.
 *
 * <p>Not thread-safe; used by the one thread streaming a snapshot.
 */
public final class TrailingDigest {

    public static final int SHA256_BYTES = 32;

    private final MessageDigest content = sha256();
    private final MessageDigest whole = sha256();
    /** The last bytes seen, not yet known to be content; at most {@link #SHA256_BYTES}. */
    private final byte[] tail = new byte[SHA256_BYTES];
    private int tailBytes;
    private long totalBytes;

    public void update(byte[] bytes, int offset, int length) {
        whole.update(bytes, offset, length);
        totalBytes += length;
        int keep = Math.min(length, SHA256_BYTES);
        int spill = tailBytes + keep - SHA256_BYTES;
        if (spill > 0) {
            // The oldest tail bytes are now followed by 32 newer ones: they are content.
            content.update(tail, 0, spill);
            System.arraycopy(tail, spill, tail, 0, tailBytes - spill);
            tailBytes -= spill;
        }
        content.update(bytes, offset, length - keep);
        System.arraycopy(bytes, offset + length - keep, tail, tailBytes, keep);
        tailBytes += keep;
    }

    /** True when the stream ended with the SHA-256 of everything before it. */
    public boolean matches() {
        return tailBytes == SHA256_BYTES && Arrays.equals(content.digest(), tail);
    }

    /** Hex SHA-256 of every byte fed, i.e. of the file as written. */
    public String fileSha256() {
        return HexFormat.of().formatHex(whole.digest());
    }

    public long totalBytes() {
        return totalBytes;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-256", e);
        }
    }
}
