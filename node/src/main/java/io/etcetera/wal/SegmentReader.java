package io.etcetera.wal;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.etcetera.invariants.Invariants;
import io.etcetera.wal.pb.SegmentHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads the frames of one segment file in order, checking both CRCs and the chain, and decides what
 * the point where valid frames stop means (package-info, "Reading, torn tails and corruption").
 * Confined to the thread that reads the log; it does not own the channel.
 *
 * <p>Use: {@link #readHeader}, then {@link #next} until it returns false, then
 * {@link #classifyStop}.
 * After {@code next} returns true the record's payload is {@code payloadBytes()} bytes of
 * {@code buffer()} at {@code payloadOffset()}, valid until the next call.
 */
final class SegmentReader {

    /** What lies after the last valid record of a segment. */
    enum Stop {
        /** Nothing: the end of the file, or zeros up to it. */
        END,
        /** Bytes of a batch whose fdatasync never returned; zero them before appending. */
        TORN
    }

    static final int BUFFER_BYTES = 1 << 20;
    /** Compared against in runs of this many bytes when skipping zeroed (preallocated) space. */
    private static final byte[] ZEROS = new byte[4096];

    private final Path path;
    private final FileChannel channel;
    private final long fileBytes;
    private final CRC32C crc = new CRC32C();
    private byte[] buffer = new byte[BUFFER_BYTES];
    /** File offset of buffer[0], and how many bytes from there the buffer holds. */
    private long bufferStart;
    private int bufferedBytes;
    /** Offset of the next frame to read; after {@code next} returns false, the stop offset. */
    private long positionBytes;
    private int chainCrc;
    /** Why reading stopped, for the corruption message. */
    private String stopReason = "";
    private RecordType type;
    private boolean sync;
    private long frameOffset;
    private int payloadOffset;
    private int payloadBytes;

    SegmentReader(Path path, FileChannel channel) throws IOException {
        this.path = path;
        this.channel = channel;
        this.fileBytes = channel.size();
    }

    /**
     * Reads the segment header, which must be valid and match the file's name; it seeds the chain.
     * When {@code expectedPrevCrc} is non-null (reading on from the previous segment) the header's
     * chain value must equal it.
     */
    SegmentHeader readHeader(SegmentName name, Integer expectedPrevCrc) throws IOException {
        Invariants.check(positionBytes == 0, "readHeader at offset %d", positionBytes);
        if (!loadFrame(0) || type != RecordType.SEGMENT_HEADER) {
            throw corrupt(0, "no valid segment header (" + stopReason + ")");
        }
        SegmentHeader header = parse(SegmentHeader.parser());
        if (Frame.recordCrc(crc, header.getPrevCrc(), buffer, bufferOffset(0), payloadBytes)
                != storedRecordCrc()) {
            throw corrupt(0, "segment header CRC mismatch");
        }
        if (header.getSeq() != name.seq() || header.getFirstIndex() != name.firstIndex()) {
            throw corrupt(0, String.format("segment header says seq %d first index %d, the file"
                    + " name seq %d first index %d", header.getSeq(), header.getFirstIndex(),
                    name.seq(), name.firstIndex()));
        }
        if (expectedPrevCrc != null && header.getPrevCrc() != expectedPrevCrc) {
            throw corrupt(0, String.format("segment does not continue the previous one (chain %08x,"
                    + " previous segment ended at %08x)", header.getPrevCrc(), expectedPrevCrc));
        }
        chainCrc = storedRecordCrc();
        positionBytes = Frame.frameBytes(payloadBytes);
        return header;
    }

    /** Reads the next record; false when there is no valid one at {@link #positionBytes()}. */
    boolean next() throws IOException {
        if (!loadFrame(positionBytes)) {
            return false;
        }
        int computed = Frame.recordCrc(crc, chainCrc, buffer, bufferOffset(positionBytes),
                payloadBytes);
        if (computed != storedRecordCrc()) {
            stopReason = "record CRC mismatch";
            return false;
        }
        chainCrc = computed;
        positionBytes += Frame.frameBytes(payloadBytes);
        return true;
    }

    /**
     * What the stop at {@link #positionBytes()} means. In the last segment a torn tail is
     * tolerated; anywhere else only zeros may follow. Damage is a {@link WalCorruptException}.
     */
    Stop classifyStop(boolean lastSegment) throws IOException {
        long stop = positionBytes;
        if (!lastSegment) {
            if (nextNonZeroSlot(stop) < fileBytes) {
                throw corrupt(stop, stopReason
                        + " before the end of a segment that is not the last");
            }
            return Stop.END;
        }
        boolean nonZero = false;
        boolean seenSync = false;
        long at = stop;
        while ((at = nextNonZeroSlot(at)) < fileBytes) {
            nonZero = true;
            if (at + Frame.HEADER_BYTES <= fileBytes && validHeaderAt(at)) {
                int at0 = bufferOffset(at);
                if (seenSync) {
                    throw corrupt(stop, stopReason + ", followed by records written after a later"
                            + " fdatasync (at byte offset " + at + ")");
                }
                seenSync = (buffer[at0 + Frame.FLAGS_AT] & Frame.FLAG_SYNC) != 0;
                at += Frame.frameBytes(Frame.readInt(buffer, at0 + Frame.PAYLOAD_BYTES_AT));
            } else {
                at += Frame.ALIGN_BYTES;
            }
        }
        return nonZero ? Stop.TORN : Stop.END;
    }

    <T> T parse(Parser<T> parser) throws WalCorruptException {
        try {
            return parser.parseFrom(buffer, payloadOffset, payloadBytes);
        } catch (InvalidProtocolBufferException e) {
            throw corrupt(frameOffset, type + " record does not parse: " + e.getMessage());
        }
    }

    WalCorruptException corrupt(long offsetBytes, String problem) {
        return new WalCorruptException(path, offsetBytes, problem);
    }

    RecordType type() {
        return type;
    }

    boolean sync() {
        return sync;
    }

    long frameOffset() {
        return frameOffset;
    }

    long positionBytes() {
        return positionBytes;
    }

    long fileBytes() {
        return fileBytes;
    }

    int chainCrc() {
        return chainCrc;
    }

    Path path() {
        return path;
    }

    /**
     * Loads the frame at {@code at} into the buffer if its header is valid, its type known and the
     * whole frame inside the file; otherwise records why not and returns false.
     */
    private boolean loadFrame(long at) throws IOException {
        if (at + Frame.HEADER_BYTES > fileBytes) {
            stopReason = at == fileBytes ? "end of file" : "partial record header";
            return false;
        }
        if (!validHeaderAt(at)) {
            stopReason = isZeroSlot(at) ? "end of data" : "record header CRC mismatch";
            return false;
        }
        int offset = bufferOffset(at);
        int bytes = Frame.readInt(buffer, offset + Frame.PAYLOAD_BYTES_AT);
        RecordType recordType = RecordType.ofCode(buffer[offset + Frame.TYPE_AT]);
        long frameBytes = Frame.frameBytes(bytes);
        if (at + frameBytes > fileBytes) {
            stopReason = "record runs past the end of the file";
            return false;
        }
        if (recordType == null) {
            stopReason = "unknown record type " + buffer[offset + Frame.TYPE_AT];
            return false;
        }
        load(at, (int) frameBytes);
        offset = bufferOffset(at);
        type = recordType;
        sync = (buffer[offset + Frame.FLAGS_AT] & Frame.FLAG_SYNC) != 0;
        frameOffset = at;
        payloadOffset = offset + Frame.HEADER_BYTES;
        payloadBytes = bytes;
        return true;
    }

    private int storedRecordCrc() {
        return Frame.readInt(buffer, payloadOffset - Frame.HEADER_BYTES + Frame.RECORD_CRC_AT);
    }

    private boolean validHeaderAt(long at) throws IOException {
        load(at, Frame.HEADER_BYTES);
        return Frame.isValidHeader(crc, buffer, bufferOffset(at));
    }

    private boolean isZeroSlot(long at) throws IOException {
        int bytes = (int) Math.min(Frame.ALIGN_BYTES, fileBytes - at);
        load(at, bytes);
        int offset = bufferOffset(at);
        return Arrays.mismatch(buffer, offset, offset + bytes, ZEROS, 0, bytes) < 0;
    }

    /** The first 16-byte slot at or after {@code from} holding a non-zero byte, else the size. */
    private long nextNonZeroSlot(long from) throws IOException {
        long at = from;
        while (at < fileBytes) {
            int chunkBytes = (int) Math.min(buffer.length, fileBytes - at);
            load(at, chunkBytes);
            int offset = bufferOffset(at);
            int mismatch = firstNonZero(buffer, offset, chunkBytes);
            if (mismatch >= 0) {
                return at + (mismatch & -Frame.ALIGN_BYTES);
            }
            at += chunkBytes;
        }
        return fileBytes;
    }

    private static int firstNonZero(byte[] array, int offset, int bytes) {
        for (int done = 0; done < bytes; done += ZEROS.length) {
            int length = Math.min(ZEROS.length, bytes - done);
            int mismatch = Arrays.mismatch(array, offset + done, offset + done + length,
                    ZEROS, 0, length);
            if (mismatch >= 0) {
                return done + mismatch;
            }
        }
        return -1;
    }

    private int bufferOffset(long at) {
        return (int) (at - bufferStart);
    }

    /** Makes file bytes [at, at + bytes) available in the buffer; they must lie inside the file. */
    private void load(long at, int bytes) throws IOException {
        if (at >= bufferStart && at + bytes <= bufferStart + bufferedBytes) {
            return;
        }
        if (bytes > buffer.length) {
            buffer = new byte[Integer.highestOneBit(bytes - 1) << 1];
        }
        ByteBuffer view = ByteBuffer.wrap(buffer);
        while (view.hasRemaining()) {
            int read = channel.read(view, at + view.position());
            if (read < 0) {
                break;
            }
        }
        bufferStart = at;
        bufferedBytes = view.position();
        Invariants.check(bufferedBytes >= bytes, "read %d bytes, needed %d", bufferedBytes, bytes);
    }
}
