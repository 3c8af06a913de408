package io.etcetera.mvcc;

import com.google.protobuf.ByteString;

import io.etcetera.backend.VersionKey;

import java.util.Arrays;

/**
 * The keys a request names by etcd's {@code key} and {@code range_end}: one key when {@code
 * range_end} is empty; every key at or after {@code key} when {@code range_end} is the single byte
 * {@code \0} (etcd's from-key form); otherwise the half-open interval [key, range_end), which is
 * empty when range_end is not after key. A prefix range is the interval form with range_end the
 * prefix plus one.
 *
 * <p>Immutable; the arrays are never exposed.
 */
final class KeyRange {

    private final byte[] key;

    /** Null for a single key; empty for no upper bound. */
    private final byte[] end;

    private KeyRange(byte[] key, byte[] end) {
        this.key = key;
        this.end = end;
    }

    static KeyRange of(ByteString key, ByteString rangeEnd) {
        if (rangeEnd.isEmpty()) {
            return new KeyRange(key.toByteArray(), null);
        }
        if (rangeEnd.size() == 1 && rangeEnd.byteAt(0) == 0) {
            return new KeyRange(key.toByteArray(), new byte[0]);
        }
        return new KeyRange(key.toByteArray(), rangeEnd.toByteArray());
    }

    static KeyRange single(byte[] key) {
        return new KeyRange(key, null);
    }

    boolean isSingleKey() {
        return end == null;
    }

    boolean contains(byte[] userKey) {
        if (end == null) {
            return Arrays.equals(key, userKey);
        }
        return Arrays.compareUnsigned(userKey, key) >= 0
                && (end.length == 0 || Arrays.compareUnsigned(userKey, end) < 0);
    }

    /** The group of the first key: a scan starts there. */
    byte[] startGroup() {
        return VersionKey.group(key);
    }

    /** The group of range_end, an exclusive bound for a scan; null when there is no bound. */
    byte[] endGroup() {
        return end == null || end.length == 0 ? null : VersionKey.group(end);
    }
}
