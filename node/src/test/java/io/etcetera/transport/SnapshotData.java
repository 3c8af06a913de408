package io.etcetera.transport;

import com.google.protobuf.ByteString;

import io.etcetera.raft.pb.ConfState;
import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.raft.pb.Snapshot;
import io.etcetera.raft.pb.SnapshotMetadata;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Seeded pseudo-random snapshot data for tests, made while it is read so that no test holds a whole
 * snapshot in memory; optionally failing after {@code failAfterBytes}. Computes the SHA-256 of what
 * it yielded. Confined to the thread that reads it.
 */
final class SnapshotData extends InputStream {

    private final SplittableRandom random;
    private final long bytes;
    private final long failAfterBytes;
    private final MessageDigest sha256;
    private long position;

    /** Random bits not yet handed out, and how many bytes of them are left. */
    private long word;

    private int wordBytesLeft;
    private volatile boolean closed;

    SnapshotData(long seed, long bytes) {
        this(seed, bytes, Long.MAX_VALUE);
    }

    SnapshotData(long seed, long bytes, long failAfterBytes) {
        this.random = new SplittableRandom(seed);
        this.bytes = bytes;
        this.failAfterBytes = failAfterBytes;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SHA-256, as hex, of {@code bytes} bytes of data from {@code seed}. */
    static String sha256Hex(long seed, long bytes) throws IOException {
        try (SnapshotData data = new SnapshotData(seed, bytes)) {
            data.transferTo(OutputStreamSink.INSTANCE);
            return data.yieldedSha256Hex();
        }
    }

    /** A MsgSnap from {@code from} to {@code to} of a snapshot at {@code index}. */
    static Message msgSnap(long from, long to, long index) {
        return Message.newBuilder()
                .setType(MessageType.MsgSnap)
                .setFrom(from)
                .setTo(to)
                .setTerm(3)
                .setSnapshot(
                        Snapshot.newBuilder()
                                .setData(ByteString.copyFromUtf8("raft's own snapshot data"))
                                .setMetadata(
                                        SnapshotMetadata.newBuilder()
                                                .setIndex(index)
                                                .setTerm(3)
                                                .setConfState(
                                                        ConfState.newBuilder()
                                                                .addVoters(from)
                                                                .addVoters(to))))
                .build();
    }

    String yieldedSha256Hex() {
        return HexFormat.of().formatHex(sha256.digest());
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (position >= failAfterBytes) {
            throw new IOException("snapshot source failed after " + position + " bytes");
        }
        if (position >= bytes) {
            return -1;
        }
        int count = (int) Math.min(length, Math.min(bytes, failAfterBytes) - position);
        for (int i = 0; i < count; i++) {
            if (wordBytesLeft == 0) {
                word = random.nextLong();
                wordBytesLeft = Long.BYTES;
            }
            buffer[offset + i] = (byte) word;
            word >>>= Byte.SIZE;
            wordBytesLeft--;
        }
        sha256.update(buffer, offset, count);
        position += count;
        return count;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Discards what is written. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {}

        @Override
        public void write(byte[] b, int off, int len) {}
    }
}
