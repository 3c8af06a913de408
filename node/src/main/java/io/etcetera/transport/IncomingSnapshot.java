package io.etcetera.transport;

import com.google.protobuf.ByteString;

import io.etcetera.raft.pb.Message;
import io.etcetera.raft.pb.MessageType;
import io.etcetera.transport.pb.SnapshotChunk;
import io.etcetera.transport.pb.SnapshotHeader;
import io.etcetera.transport.pb.SnapshotReceived;
import io.etcetera.transport.pb.SnapshotTrailer;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.grpc.StatusException;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One snapshot arriving from a peer: header, data chunks, trailer. The data goes to a partial file
 * ({@code <index>.snap.db.<random>.part}) while its SHA-256 is computed; at the trailer the size
 * and checksum are checked, the file is synced and renamed atomically to {@code <index as 16 hex
 * digits>.snap.db} (etcd's name), the directory synced, and only then is the MsgSnap handed to the
 * member. Anything else (a checksum or size mismatch, chunks out of order, a broken or cancelled
 * call, a full inbox) deletes the file and closes the call with an error, which the sender reports
 * as a snapshot failure.
 *
 * <p>Transitions: HEADER ──header──> DATA ──trailer──> DONE, and any state ──failure──> DONE.
 *
 * <p>Confined to the snapshot-receive thread, which gets this transfer's events in arrival order.
 * Invariant: once DONE, no file of this transfer is left but a delivered one.
 */
final class IncomingSnapshot {

    private static final System.Logger LOG = System.getLogger(IncomingSnapshot.class.getName());

    static final String SUFFIX = ".snap.db";
    static final String PART_SUFFIX = ".part";

    /** etcd's {@code snapshotLimitByte}: 1 TiB. */
    static final long DATA_BYTES_MAX = 1L << 40;

    private enum Phase {
        HEADER,
        DATA,
        DONE
    }

    private final ServerCall<SnapshotChunk, SnapshotReceived> call;
    private final long from;
    private final long localId;
    private final Path snapshotDir;
    private final TransportListener listener;
    private final PeerCounters counters;
    private final Runnable onDone;

    private Phase phase = Phase.HEADER;
    private Message message;
    private long dataBytes;
    private long writtenBytes;
    private Path partFile;
    private FileChannel file;
    private MessageDigest sha256;

    IncomingSnapshot(
            ServerCall<SnapshotChunk, SnapshotReceived> call,
            long from,
            long localId,
            Path snapshotDir,
            TransportListener listener,
            PeerCounters counters,
            Runnable onDone) {
        this.call = call;
        this.from = from;
        this.localId = localId;
        this.snapshotDir = snapshotDir;
        this.listener = listener;
        this.counters = counters;
        this.onDone = onDone;
    }

    void onChunk(SnapshotChunk chunk) {
        if (phase == Phase.DONE) {
            return;
        }
        try {
            switch (chunk.getPartCase()) {
                case HEADER -> begin(chunk.getHeader());
                case DATA -> write(chunk.getData());
                case TRAILER -> {
                    finish(chunk.getTrailer());
                    return;
                }
                default -> throw invalid("an empty snapshot chunk");
            }
            call.request(1);
        } catch (StatusException e) {
            fail(e.getStatus());
        } catch (IOException e) {
            fail(
                    Status.INTERNAL.withDescription(
                            "failed to save KV snapshot (" + e.getMessage() + ")"));
        }
    }

    void onHalfClose() {
        if (phase != Phase.DONE) {
            fail(
                    Status.INVALID_ARGUMENT.withDescription(
                            "snapshot stream ended before its trailer"));
        }
    }

    void onCancel() {
        if (phase != Phase.DONE) {
            fail(Status.CANCELLED.withDescription("snapshot stream broken or cancelled"));
        }
    }

    private void begin(SnapshotHeader header) throws StatusException, IOException {
        if (phase != Phase.HEADER) {
            throw invalid("a second snapshot header");
        }
        Message snap = header.getMessage();
        if (snap.getType() != MessageType.MsgSnap || snap.getTo() != localId) {
            throw invalid(
                    "a snapshot header must carry a MsgSnap to this member, not a "
                            + snap.getType()
                            + " to "
                            + PeerHeaders.id(snap.getTo()));
        }
        if (header.getDataBytes() > DATA_BYTES_MAX) {
            throw invalid("snapshot data of " + header.getDataBytes() + " bytes is too large");
        }
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        message = snap;
        dataBytes = header.getDataBytes();
        String name =
                ReceivedSnapshot.pathFor(snapshotDir, snap.getSnapshot().getMetadata().getIndex())
                                .getFileName()
                        + ".";
        partFile = Files.createTempFile(snapshotDir, name, PART_SUFFIX);
        file = FileChannel.open(partFile, StandardOpenOption.WRITE);
        phase = Phase.DATA;
        counters.receivedBytes.add(header.getSerializedSize());
        LOG.log(
                Level.INFO,
                "receiving database snapshot "
                        + snap.getSnapshot().getMetadata().getIndex()
                        + " of "
                        + dataBytes
                        + " bytes from "
                        + PeerHeaders.id(from));
    }

    private void write(ByteString data) throws StatusException, IOException {
        if (phase != Phase.DATA) {
            throw invalid("snapshot data before its header");
        }
        if (writtenBytes + data.size() > dataBytes) {
            throw invalid("snapshot data exceeds its declared " + dataBytes + " bytes");
        }
        for (ByteBuffer buffer : data.asReadOnlyByteBufferList()) {
            sha256.update(buffer.duplicate());
            while (buffer.hasRemaining()) {
                file.write(buffer);
            }
        }
        writtenBytes += data.size();
        counters.receivedBytes.add(data.size());
    }

    private void finish(SnapshotTrailer trailer) throws StatusException, IOException {
        if (phase != Phase.DATA) {
            throw invalid("a snapshot trailer before its header");
        }
        if (writtenBytes != dataBytes) {
            throw invalid(
                    "snapshot data is " + writtenBytes + " bytes, " + dataBytes + " declared");
        }
        if (!MessageDigest.isEqual(sha256.digest(), trailer.getSha256().toByteArray())) {
            throw Status.DATA_LOSS.withDescription("snapshot checksum mismatch").asException();
        }
        file.force(true);
        file.close();
        Path dataFile =
                ReceivedSnapshot.pathFor(
                        snapshotDir, message.getSnapshot().getMetadata().getIndex());
        Files.move(partFile, dataFile, StandardCopyOption.ATOMIC_MOVE);
        partFile = null;
        try (FileChannel dir = FileChannel.open(snapshotDir, StandardOpenOption.READ)) {
            dir.force(true);
        }
        if (!listener.onSnapshot(new ReceivedSnapshot(from, message, dataFile, dataBytes))) {
            Files.deleteIfExists(dataFile);
            fail(
                    Status.RESOURCE_EXHAUSTED.withDescription(
                            "snapshot dropped: the member's inbox is full"));
            return;
        }
        phase = Phase.DONE;
        counters.snapshotsReceived.increment();
        LOG.log(Level.INFO, "received and saved database snapshot " + dataFile);
        if (!call.isCancelled()) {
            call.sendHeaders(new Metadata());
            call.sendMessage(SnapshotReceived.getDefaultInstance());
            call.close(Status.OK, new Metadata());
        }
        onDone.run();
    }

    private void fail(Status status) {
        phase = Phase.DONE;
        try {
            if (file != null) {
                file.close();
            }
            if (partFile != null) {
                Files.deleteIfExists(partFile);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot remove partial snapshot file " + partFile, e);
        }
        counters.snapshotReceiveFailures.increment();
        LOG.log(
                Level.WARNING,
                "discarded a snapshot from "
                        + PeerHeaders.id(from)
                        + ": "
                        + status.getCode()
                        + ": "
                        + status.getDescription());
        if (!call.isCancelled()) {
            call.close(status, new Metadata());
        }
        onDone.run();
    }

    private static StatusException invalid(String what) {
        return Status.INVALID_ARGUMENT.withDescription(what).asException();
    }
}
