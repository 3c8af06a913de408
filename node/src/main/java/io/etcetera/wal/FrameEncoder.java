package io.etcetera.wal;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.etcetera.invariants.Invariants;
import io.etcetera.invariants.Verify;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Encodes records into frames (package-info) in one reusable buffer and writes them to the tail
 * segment at the positions it tracks. Records are serialized straight into the buffer; the buffer
 * is written when the next frame does not fit, and on {@link #flush}. Confined to the WAL's thread.
 *
 * <p>{@code channelBytes + bufferedBytes} is the file offset just past the last encoded frame, and
 * {@code chainCrc} is that frame's record CRC.
 */
final class FrameEncoder {

    /** Initial buffer: enough for a large batch of ordinary entries in one write call. */
    static final int BUFFER_BYTES_INITIAL = 1 << 20;

    private final CRC32C crc = new CRC32C();
    private byte[] buffer = new byte[BUFFER_BYTES_INITIAL];
    private ByteBuffer bufferView = ByteBuffer.wrap(buffer);
    private int bufferedBytes;
    private FileChannel channel;
    /** File offset at which the buffer's first byte goes. */
    private long channelBytes;
    private int chainCrc;
    /** Bytes handed to the file system so far, for etcd's wal_write_bytes_total. */
    private long writtenBytesTotal;

    FrameEncoder(FileChannel channel, long positionBytes, int chainCrc) {
        retarget(channel, positionBytes, chainCrc);
    }

    /** Continues in another file (a newly cut segment). Everything buffered must be flushed. */
    void retarget(FileChannel target, long positionBytes, int crcChain) {
        Invariants.check(bufferedBytes == 0, "retarget with %d bytes unflushed", bufferedBytes);
        Invariants.check(positionBytes % Frame.ALIGN_BYTES == 0,
                "frame position %d is not aligned", positionBytes);
        this.channel = target;
        this.channelBytes = positionBytes;
        this.chainCrc = crcChain;
    }

    /** Appends one record; {@code sync} marks it as the last before an fdatasync (SYNC flag). */
    void encode(RecordType type, MessageLite payload, boolean sync) throws IOException {
        int payloadBytes = payload.getSerializedSize();
        Invariants.check(payloadBytes <= Frame.PAYLOAD_BYTES_MAX,
                "record payload of %d bytes exceeds %d", payloadBytes, Frame.PAYLOAD_BYTES_MAX);
        int frameBytes = (int) Frame.frameBytes(payloadBytes);
        if (bufferedBytes + frameBytes > buffer.length) {
            writeBuffered();
            if (frameBytes > buffer.length) {
                grow(frameBytes);
            }
        }
        int at = bufferedBytes;
        Frame.writeInt(buffer, at + Frame.PAYLOAD_BYTES_AT, payloadBytes);
        buffer[at + Frame.TYPE_AT] = (byte) type.code;
        buffer[at + Frame.FLAGS_AT] = (byte) (sync ? Frame.FLAG_SYNC : 0);
        buffer[at + Frame.FLAGS_AT + 1] = 0;
        buffer[at + Frame.FLAGS_AT + 2] = 0;
        Frame.writeInt(buffer, at + Frame.HEADER_CRC_AT, Frame.headerCrc(crc, buffer, at));
        CodedOutputStream out =
                CodedOutputStream.newInstance(buffer, at + Frame.HEADER_BYTES, payloadBytes);
        payload.writeTo(out);
        out.checkNoSpaceLeft();
        chainCrc = Frame.recordCrc(crc, chainCrc, buffer, at, payloadBytes);
        Frame.writeInt(buffer, at + Frame.RECORD_CRC_AT, chainCrc);
        int end = at + Frame.HEADER_BYTES + payloadBytes;
        Arrays.fill(buffer, end, at + frameBytes, (byte) 0);
        bufferedBytes = at + frameBytes;
        if (Verify.enabled()) {
            verifyFrame(at, type, payload);
        }
    }

    /** Writes everything buffered to the file (no fsync). */
    void flush() throws IOException {
        writeBuffered();
    }

    /** The file offset just past the last encoded frame. */
    long positionBytes() {
        return channelBytes + bufferedBytes;
    }

    int chainCrc() {
        return chainCrc;
    }

    long writtenBytesTotal() {
        return writtenBytesTotal;
    }

    private void writeBuffered() throws IOException {
        if (bufferedBytes == 0) {
            return;
        }
        bufferView.clear().limit(bufferedBytes);
        while (bufferView.hasRemaining()) {
            channelBytes += channel.write(bufferView, channelBytes);
        }
        writtenBytesTotal += bufferedBytes;
        bufferedBytes = 0;
    }

    private void grow(int frameBytes) {
        int bytes = Integer.highestOneBit(frameBytes - 1) << 1;
        buffer = new byte[bytes];
        bufferView = ByteBuffer.wrap(buffer);
    }

    /** Pairs the write with the read: the frame just encoded must read back as the same record. */
    private void verifyFrame(int at, RecordType type, MessageLite payload) throws IOException {
        int payloadBytes = Frame.readInt(buffer, at + Frame.PAYLOAD_BYTES_AT);
        Invariants.check(Frame.isValidHeader(crc, buffer, at), "encoded header at %d fails", at);
        Invariants.check(RecordType.ofCode(buffer[at + Frame.TYPE_AT]) == type,
                "encoded type %s reads back differently", type);
        MessageLite decoded = payload.getParserForType()
                .parseFrom(buffer, at + Frame.HEADER_BYTES, payloadBytes);
        Invariants.check(decoded.equals(payload), "encoded %s payload reads back differently",
                type);
    }
}
