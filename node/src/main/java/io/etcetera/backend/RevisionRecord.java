package io.etcetera.backend;

import java.util.Arrays;

/**
 * One change in {@link Family#REVISION}: the key is the revision (main, sub), the value says which
 * user key changed and whether the change was a put or a delete (a tombstone).
 *
 * <pre>
 * key   = BE64(main) BE64(sub)
 * value = kind (0x00 put, 0x01 tombstone)  userKey
 * </pre>
 *
 * <p>The put's {@code KeyValue} itself lives in {@link Family#KEY} under {@link
 * VersionKey#encode(byte[], long, long)} of the same revision; this family only orders the changes,
 * so watch replay and compaction can walk them by revision.
 *
 * <p>Stateless; used from any thread.
 */
public final class RevisionRecord {

    public static final int KEY_BYTES = 16;

    private static final byte PUT = 0x00;
    private static final byte TOMBSTONE = 0x01;

    private RevisionRecord() {}

    public static byte[] key(long main, long sub) {
        byte[] out = new byte[KEY_BYTES];
        VersionKey.putLong(out, 0, main);
        VersionKey.putLong(out, 8, sub);
        return out;
    }

    public static long main(byte[] key) {
        return VersionKey.getLong(key, 0);
    }

    public static long sub(byte[] key) {
        return VersionKey.getLong(key, 8);
    }

    public static byte[] value(byte[] userKey, boolean tombstone) {
        byte[] out = new byte[userKey.length + 1];
        out[0] = tombstone ? TOMBSTONE : PUT;
        System.arraycopy(userKey, 0, out, 1, userKey.length);
        return out;
    }

    public static boolean isTombstone(byte[] value) {
        return value[0] == TOMBSTONE;
    }

    public static byte[] userKey(byte[] value) {
        return Arrays.copyOfRange(value, 1, value.length);
    }
}
