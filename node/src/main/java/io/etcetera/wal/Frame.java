package io.etcetera.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The record frame of package-info: field offsets, alignment, and the two CRCs. Both the encoder
 * and the reader compute CRCs here, so a write and its read agree by construction. Stateless; the
 * {@link CRC32C} passed in belongs to the caller's thread.
 */
final class Frame {

    static final int HEADER_BYTES = 16;
    /** Frames start at multiples of this, so a 16-byte header never straddles a 512-byte sector. */
    static final int ALIGN_BYTES = 16;
    /** Bytes 0..7 (length, type, flags, zero) are what the header CRC covers. */
    static final int HEADER_CRC_COVERED_BYTES = 8;
    static final int PAYLOAD_BYTES_AT = 0;
    static final int TYPE_AT = 4;
    static final int FLAGS_AT = 5;
    static final int HEADER_CRC_AT = 8;
    static final int RECORD_CRC_AT = 12;
    /** Flag bit: the writer called fdatasync right after this record. */
    static final int FLAG_SYNC = 1;
    /**
     * Largest payload a frame may carry (256 MiB). Far above any entry etcd accepts
     * (--max-request-bytes is 1.5 MiB by default); it keeps a reader from trusting an absurd
     * length, and buffers sized to a power of two above a frame from overflowing an int.
     */
    static final int PAYLOAD_BYTES_MAX = 1 << 28;

    private static final VarHandle INT_LE =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    private Frame() {}

    /** Bytes the frame of a payload of this length occupies, padding included. */
    static long frameBytes(int payloadBytes) {
        return HEADER_BYTES + alignUp(Integer.toUnsignedLong(payloadBytes));
    }

    static long alignUp(long bytes) {
        return (bytes + ALIGN_BYTES - 1) & -ALIGN_BYTES;
    }

    static int readInt(byte[] array, int offset) {
        return (int) INT_LE.get(array, offset);
    }

    static void writeInt(byte[] array, int offset, int value) {
        INT_LE.set(array, offset, value);
    }

    /** CRC32C of the header's first 8 bytes at {@code offset}. */
    static int headerCrc(CRC32C crc, byte[] array, int offset) {
        crc.reset();
        crc.update(array, offset, HEADER_CRC_COVERED_BYTES);
        return (int) crc.getValue();
    }

    /**
     * The chained record CRC of the frame at {@code offset} whose payload follows its header in the
     * same array: CRC32C of {@code prevCrc} (4 bytes LE), header bytes 0..7, and the payload.
     */
    static int recordCrc(CRC32C crc, int prevCrc, byte[] array, int offset, int payloadBytes) {
        crc.reset();
        crc.update(prevCrc & 0xff);
        crc.update((prevCrc >>> 8) & 0xff);
        crc.update((prevCrc >>> 16) & 0xff);
        crc.update(prevCrc >>> 24);
        crc.update(array, offset, HEADER_CRC_COVERED_BYTES);
        crc.update(array, offset + HEADER_BYTES, payloadBytes);
        return (int) crc.getValue();
    }

    /**
     * Whether the 16 bytes at {@code offset} are a header whose CRC holds. All zeros never are: the
     * CRC32C of eight zero bytes is not zero.
     */
    static boolean isValidHeader(CRC32C crc, byte[] array, int offset) {
        int payloadBytes = readInt(array, offset + PAYLOAD_BYTES_AT);
        return payloadBytes >= 0 && payloadBytes <= PAYLOAD_BYTES_MAX
                && readInt(array, offset + HEADER_CRC_AT) == headerCrc(crc, array, offset);
    }
}
