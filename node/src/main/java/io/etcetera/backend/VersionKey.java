package io.etcetera.backend;

import java.util.Arrays;

/**
 * The key of one version of a user key in {@link Family#KEY}: the user key escaped so that it is
 * prefix-free, then the revision (main, sub) stored inverted so that newer versions sort first.
 *
 * <pre>
 * versionKey = escape(userKey) 0x00 0x01  BE64(MAX - main)  BE64(MAX - sub)
 * escape     = every 0x00 byte of the user key becomes 0x00 0xFF
 * MAX        = Long.MAX_VALUE
 * </pre>
 *
 * <p>Worked example: user key {@code "a"} with versions at 9 and 4, {@code "a\0"} at 7, {@code
 * "ab"} at 8, in the order RocksDB keeps them:
 *
 * <pre>
 * 61 00 01       | rev 9    "a"    newest first
 * 61 00 01       | rev 4    "a"
 * 61 00 FF 00 01 | rev 7    "a\0"  the escaped 0x00 0xFF sorts after the terminator 0x00 0x01
 * 61 62 00 01    | rev 8    "ab"
 * </pre>
 *
 * Because the escaped key plus terminator (the <em>group</em>) is prefix-free and preserves the
 * unsigned byte order of user keys, all versions of one key are contiguous, groups appear in key
 * order, and for user keys {@code x < y} every version key of {@code x} sorts before every version
 * key of {@code y}. That makes {@code group(rangeEnd)} an exclusive upper bound for a range scan.
 *
 * <p>Stateless; used from any thread.
 */
public final class VersionKey {

    /** Bytes of the inverted (main, sub) suffix. */
    public static final int REVISION_BYTES = 16;

    private static final byte ESCAPE = 0x00;
    private static final byte ESCAPED_ZERO = (byte) 0xFF;
    private static final byte TERMINATOR = 0x01;

    private VersionKey() {}

    /** The key of the version of {@code userKey} written at revision (main, sub). */
    public static byte[] encode(byte[] userKey, long main, long sub) {
        return withRevision(group(userKey), main, sub);
    }

    /** The prefix that every version key of {@code userKey} starts with, and nothing else does. */
    public static byte[] group(byte[] userKey) {
        int zeros = 0;
        for (byte b : userKey) {
            if (b == ESCAPE) {
                zeros++;
            }
        }
        byte[] out = new byte[userKey.length + zeros + 2];
        int at = 0;
        for (byte b : userKey) {
            out[at++] = b;
            if (b == ESCAPE) {
                out[at++] = ESCAPED_ZERO;
            }
        }
        out[at++] = ESCAPE;
        out[at] = TERMINATOR;
        return out;
    }

    /**
     * The seek target for the newest version at or below revision (main, sub) of the key whose
     * group is {@code group}: seeking there lands on that version, or past it when none exists.
     */
    public static byte[] withRevision(byte[] group, long main, long sub) {
        byte[] out = Arrays.copyOf(group, group.length + REVISION_BYTES);
        putLong(out, group.length, Long.MAX_VALUE - main);
        putLong(out, group.length + 8, Long.MAX_VALUE - sub);
        return out;
    }

    /** A seek target after every version of the key whose group is {@code group}. */
    public static byte[] pastGroup(byte[] group) {
        byte[] out = Arrays.copyOf(group, group.length + REVISION_BYTES);
        Arrays.fill(out, group.length, out.length, (byte) 0xFF);
        return out;
    }

    /** The length of the group prefix of a version key. */
    public static int groupLength(byte[] versionKey) {
        return versionKey.length - REVISION_BYTES;
    }

    /** Whether {@code versionKey} is a version of the key whose group is {@code group}. */
    public static boolean inGroup(byte[] versionKey, byte[] group) {
        return versionKey.length == group.length + REVISION_BYTES
                && Arrays.equals(versionKey, 0, group.length, group, 0, group.length);
    }

    /** Compares the group of {@code versionKey} with {@code group}, as unsigned bytes. */
    public static int compareGroup(byte[] versionKey, byte[] group) {
        return Arrays.compareUnsigned(
                versionKey, 0, groupLength(versionKey), group, 0, group.length);
    }

    public static long main(byte[] versionKey) {
        return Long.MAX_VALUE - getLong(versionKey, groupLength(versionKey));
    }

    public static long sub(byte[] versionKey) {
        return Long.MAX_VALUE - getLong(versionKey, groupLength(versionKey) + 8);
    }

    /** The user key a version key belongs to (the escaping undone). */
    public static byte[] userKey(byte[] versionKey) {
        int end = groupLength(versionKey) - 2;
        byte[] out = new byte[end];
        int length = 0;
        for (int i = 0; i < end; i++) {
            out[length++] = versionKey[i];
            if (versionKey[i] == ESCAPE) {
                i++;
            }
        }
        return length == end ? out : Arrays.copyOf(out, length);
    }

    static void putLong(byte[] out, int offset, long value) {
        for (int i = 7; i >= 0; i--) {
            out[offset + i] = (byte) value;
            value >>>= 8;
        }
    }

    static long getLong(byte[] in, int offset) {
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = (value << 8) | (in[offset + i] & 0xFF);
        }
        return value;
    }
}
