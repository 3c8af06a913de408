package io.etcetera.bench.load;

import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The keys a run writes, encoded as etcd's benchmark encodes them so both tools touch the same
 * shape of key space: a prefix, then {@code keyBytes} bytes holding the key's index as a Go
 * {@code binary.PutVarint} (zig-zag, then base-128 little-endian groups), zero-padded.
 *
 * <p>Worked example, {@code keyBytes} 8: index 0 → {@code 00 00 00 00 00 00 00 00}; index 1 →
 * zig-zag 2 → {@code 02 00 ..}; index 64 → zig-zag 128 → {@code 80 01 00 ..}.
 *
 * <p>Sequential key spaces map request {@code n} to index {@code n % keyCount}; random ones pick a
 * uniform index per request. Invariant: the largest index's varint fits in {@code keyBytes}.
 * Immutable and thread-safe.
 */
public final class KeySpace {
    private static final int VARINT_GROUP_BITS = 7;
    private static final int VARINT_CONTINUE = 0x80;

    private final byte[] prefix;
    private final int keyBytes;
    private final long keyCount;
    private final boolean sequential;

    /** A key space of {@code keyCount} keys of {@code prefix} plus {@code keyBytes} bytes. */
    public KeySpace(String prefix, int keyBytes, long keyCount, boolean sequential) {
        if (keyCount <= 0) {
            throw new IllegalArgumentException(
                    "expected positive --key-space-size, got (" + keyCount + ")");
        }
        if (varintBytes(keyCount - 1) > keyBytes) {
            throw new IllegalArgumentException("--key-size " + keyBytes
                    + " is too small for --key-space-size " + keyCount + ": the largest key needs "
                    + varintBytes(keyCount - 1) + " bytes");
        }
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.keyBytes = keyBytes;
        this.keyCount = keyCount;
        this.sequential = sequential;
    }

    /** The key of request {@code sequence}. */
    public ByteString key(long sequence) {
        long index = sequential
                ? Math.floorMod(sequence, keyCount)
                : ThreadLocalRandom.current().nextLong(keyCount);
        return keyAt(index);
    }

    /** The key at {@code index} in this space. */
    public ByteString keyAt(long index) {
        byte[] key = new byte[prefix.length + keyBytes];
        System.arraycopy(prefix, 0, key, 0, prefix.length);
        long rest = zigZag(index);
        int at = prefix.length;
        while ((rest & ~0x7FL) != 0) {
            key[at++] = (byte) ((rest & 0x7F) | VARINT_CONTINUE);
            rest >>>= VARINT_GROUP_BITS;
        }
        key[at] = (byte) rest;
        return ByteString.copyFrom(key);
    }

    /** How many keys this space has. */
    public long keyCount() {
        return keyCount;
    }

    private static long zigZag(long value) {
        return (value << 1) ^ (value >> 63);
    }

    private static int varintBytes(long value) {
        long rest = zigZag(value);
        int bytes = 1;
        while ((rest & ~0x7FL) != 0) {
            rest >>>= VARINT_GROUP_BITS;
            bytes++;
        }
        return bytes;
    }
}
